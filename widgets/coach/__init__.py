"""The Coach panel's widgets: conversations, the transcript with streamed replies, tool cards."""
