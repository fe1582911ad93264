"""One codec module per file type, plus the shared protocol (``base``) and ``registry``."""
