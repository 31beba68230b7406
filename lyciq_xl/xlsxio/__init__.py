"""Reading and surgical writing of .xlsx files."""
