"""The one way to read tenant data: scoped to a practice, failing closed.

Every tenant-owned model uses `TenantManager`, so reads look like
`Patient.objects.for_practice(practice)`. A missing practice raises instead of
returning every practice's rows.
"""

from django.db import models


class TenantScopeError(RuntimeError):
    """A tenant query was asked for without a practice."""


class TenantQuerySet(models.QuerySet):
    def for_practice(self, practice):
        if practice is None or getattr(practice, "pk", None) is None:
            raise TenantScopeError(f"{self.model.__name__} queried without a practice")
        return self.filter(practice=practice)


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    pass


class TenantModel(models.Model):
    """Base for tenant-owned rows: a non-null practice on every one."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")

    objects = TenantManager()

    class Meta:
        abstract = True
