"""Report type modules. Importing this package imports every module in it, and each module
registers its report types with :func:`video_insights.reports.catalog.register`: a new report
group is a new module here, with no list to edit."""

import importlib
import pkgutil

for _module in sorted(pkgutil.iter_modules(__path__), key=lambda module: module.name):
    importlib.import_module(f"{__name__}.{_module.name}")
