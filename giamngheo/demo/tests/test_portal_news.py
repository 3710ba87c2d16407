import io

import pytest
from django.urls import reverse

from giamngheo.demo.portal import portal_seed_demo
from giamngheo.portal.models import Article

pytestmark = pytest.mark.django_db


def test_demo_news_are_seeded_once(client):
    out = io.StringIO()
    portal_seed_demo(stdout=out)
    portal_seed_demo(stdout=out)
    assert Article.objects.count() == 4
    html = client.get(
        reverse("portal:article", args=["hai-phong-ty-le-ho-ngheo-2018"])
    ).content.decode()
    assert "1,41%, giảm 0,65 điểm %" in html
