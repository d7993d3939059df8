"""`field__filled=True`: the text is neither NULL nor empty.

Written `"field" <> ''` in SQL. The obvious `field__gt=""` asks the database to compare
the text under the column's collation, which on PostgreSQL copies and collates the whole
value of every row tested (an article body: about 150 ms per 10 000 rows), while `<>`
under a deterministic collation compares lengths first and never reads the text. The
availability conditions of articles (and the partial indexes that repeat them) use it.
"""

from django.db.models import CharField, Lookup, TextField


class Filled(Lookup):
    lookup_name = "filled"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        if self.rhs is not True:
            raise ValueError("Use __filled=True (negate the condition for empty texts).")
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} <> ''", params


CharField.register_lookup(Filled)
TextField.register_lookup(Filled)
