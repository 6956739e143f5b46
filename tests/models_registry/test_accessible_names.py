"""Controls named for what they act on, so that a screen reader tells rows apart."""

import re

from django.urls import reverse

from tests.factories import SupportModelFactory


def test_each_checkbox_of_the_review_queue_names_its_registration(
    client, officer, make_registration, model_a, commune_b
):
    model_b = SupportModelFactory(unit=commune_b, name='Câu lạc bộ "Vòng tay bè bạn"')
    make_registration(model_a, "submitted")
    make_registration(model_b, "submitted")
    client.force_login(officer)

    html = client.get(reverse("registry:review-queue")).text

    boxes = re.findall(r'<input type="checkbox"[^>]*name="ids"[^>]*>', html)
    labels = [re.search(r'aria-label="([^"]*)"', box).group(1) for box in boxes]
    assert len(labels) == 2
    assert any(model_a.name in label for label in labels)
    assert any("Câu lạc bộ &quot;Vòng tay bè bạn&quot;" in label for label in labels)
