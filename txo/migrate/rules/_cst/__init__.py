"""libcst renderers for the fixes whose output is easier to build as a tree than as text.

Rules decide *what* to fix from the ``ast`` they check; these modules render
the rewrites that must keep formatting and merge statements (moving v2.1
imports, adding an import).  Imported lazily, only when ``fix`` asks a rule
for its fix, so ``check`` never loads libcst.
"""
