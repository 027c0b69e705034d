from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the site: `serve`, `backup`, `restore` and `demo-scale` (its commands).

    An app only for its management commands; it holds no models. It sits above every
    other app (it may import them all), and no app imports it.
    """

    name = "kennisschakel.operations"
    label = "operations"
    verbose_name = "Operations"
