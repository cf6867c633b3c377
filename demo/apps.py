from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Development and benchmark tools: the demo data (`load_demo`) and the synthetic scale data
    (`generate_scale_data`). Installed only when DEBUG or DEV_TOOLS is on, in the tests and in
    the benchmark; a production installation has neither the code nor the commands."""

    name = "demo"
    verbose_name = "Demo- og skaladata"
