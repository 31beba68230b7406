"""The Excel add-in: VBA compression, vbaProject.bin, the .xlam package,
and installing it where Excel looks for add-ins."""
