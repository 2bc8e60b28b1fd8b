"""generate_directory: COPY-loaded synthetic services that search can find."""

from services.data.synthetic import generate
from services.models import SearchRow, Service
from services.search import SearchParams, search


def test_generates_searchable_services(base) -> None:
    # One worker: the refresh must run inside the test's transaction.
    timings = generate(60, seed=3, workers=1, log=lambda _line: None)
    assert timings["total_s"] >= 0
    synthetic = Service.objects.filter(name_es__endswith="(synthetic)")
    assert synthetic.count() == 60
    assert not synthetic.filter(search_vector=None).exists()
    # The search table is filled once at the end (its triggers are off during the load): every
    # generated service has its row, with the refreshed columns.
    rows = {r.pk: r for r in SearchRow.objects.filter(pk__in=synthetic.values("id"))}
    assert len(rows) == 60
    for service in synthetic:
        row = rows[service.id]
        assert row.term_ids == service.term_ids and row.term_ids
        assert row.language_codes == service.language_codes and row.region_ids
        assert row.sort_es == service.name_es.lower()
    one = synthetic.exclude(search_points=None).first()
    point = one.search_points[0]
    result = search(SearchParams(lat=point.y, lon=point.x, radius_km=1, per_page=100), lang="es")
    assert one.id in {h.service.id for h in result.hits}
