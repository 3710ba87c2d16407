"""One archive holds everything an installation cannot rebuild: the database and the private files.

Layout of the archive (tar, gzip-compressed when the name ends in .gz or .tgz):

    database/sqlite3.db or database/postgresql.dump   consistent copy taken while the site runs
    private/<path>                                    every file under PRIVATE_ROOT
    manifest.json                                     format, origin, migration state, SHA-256 of each file

Rows of sessions and of database cache tables are left out (their tables are kept, empty): a
restored site logs everyone out and rebuilds its cache, and nothing else is lost.
"""

from giamngheo.ops.backup.archive import (
    BackupError,
    ExitCode,
    Summary,
    expand_date,
    left_out_tables,
    vendor_label,
)
from giamngheo.ops.backup.create import backup_create
from giamngheo.ops.backup.restore import backup_restore

__all__ = [
    "BackupError",
    "ExitCode",
    "Summary",
    "backup_create",
    "backup_restore",
    "expand_date",
    "left_out_tables",
    "vendor_label",
]
