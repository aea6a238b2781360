"""The Journal panels' widgets: the trade list, its filters and editor, the drafts queue, the
import preview, and the dashboard (Qt only: the app wires them to the journal service)."""
