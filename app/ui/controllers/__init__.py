"""Panel controllers: a builder that outgrows ~60 lines becomes a class here (wiring only: the
work is in app.core services, the drawing in widgets)."""
