from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import m2m_changed, post_delete, post_save


class BriefingsConfig(AppConfig):
    name = "briefings"
    verbose_name = "Briefings"

    def ready(self):
        # Signals invalidate the readers' page cache and keep what readers may
        # see indexed (briefings.visibility, the one receiver that writes rows).
        from briefings import visibility
        from briefings.cache import invalidate_public_pages
        from briefings.search import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="sqlite-casefold")

        signals = {"save": post_save, "delete": post_delete, "m2m": m2m_changed}
        for name, signal in signals.items():
            signal.connect(invalidate_public_pages, dispatch_uid=f"public-pages-{name}")
        visibility.connect()
