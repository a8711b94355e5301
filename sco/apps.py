from django.apps import AppConfig


class ScoConfig(AppConfig):
    name = "sco"
    verbose_name = "Shanghai Cooperation Organisation"
