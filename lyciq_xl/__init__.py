"""lyciq-xl: organisational performance management in Excel for the Liaoyang CIQ bureau."""

__version__ = "0.1.0"
