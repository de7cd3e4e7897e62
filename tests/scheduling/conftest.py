import pytest

from scheduling.selectors import scheduling_settings_for

from .factories import VisitTypeFactory, provider_membership, weekly_template


@pytest.fixture
def rules(practice):
    return scheduling_settings_for(practice)


@pytest.fixture
def video_visit(practice):
    return VisitTypeFactory(practice=practice, name="Video follow-up", duration_minutes=30,
                            modality="video")


@pytest.fixture
def provider_member(practice, provider):
    return provider_membership(practice, provider)


@pytest.fixture
def template(practice, provider_member, video_visit):
    """Dr. Provider sees video follow-ups Monday to Friday, 09:00-12:00 practice time."""
    return weekly_template(practice, provider_member, [video_visit])


# The API tests' clients and query counter (tests/api/conftest.py).
from tests.api.conftest import api_as, count_queries  # noqa: E402, F401
