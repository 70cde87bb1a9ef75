"""The offline app's sync: a snapshot of everything a young person may see, the changes since a cursor
(deletions as tombstones), and changes made offline pushed back one by one."""
