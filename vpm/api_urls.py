"""The REST API, version 1. Practice-owned resources live under p/<practice_slug>/."""


urlpatterns: list = []
