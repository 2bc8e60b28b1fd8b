"""factory_boy factories for the directory. Parts add theirs below."""

import datetime

import factory
from django.contrib.gis.geos import Point

from services import models as m


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"XX-{n}")
    level = m.Region.Level.MUNICIPALITY
    name = factory.Sequence(lambda n: f"Municipio {n}")
    name_es = factory.SelfAttribute("name")
    name_en = factory.SelfAttribute("name")
    country_code = "CO"
    time_zone = "America/Bogota"


class TaxonomyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Taxonomy

    name = "Enlace"
    description = "Enlace's open vocabulary of needs"


class TaxonomyTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.TaxonomyTerm

    taxonomy = factory.SubFactory(TaxonomyFactory)
    code = factory.Sequence(lambda n: f"term-{n}")
    name_es = factory.Sequence(lambda n: f"Término {n}")
    name_en = factory.Sequence(lambda n: f"Term {n}")
    name = factory.SelfAttribute("name_es")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Organization

    name = factory.Sequence(lambda n: f"Fundación Demo {n}")
    description_es = "Organización de prueba."
    description_en = "Test organisation."
    description = factory.SelfAttribute("description_es")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Service

    organization = factory.SubFactory(OrganizationFactory)
    name_es = factory.Sequence(lambda n: f"Servicio {n}")
    name = factory.SelfAttribute("name_es")
    description_es = "Servicio de prueba."
    description = factory.SelfAttribute("description_es")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Location

    organization = factory.SubFactory(OrganizationFactory)
    name_es = factory.Sequence(lambda n: f"Sede {n}")
    name = factory.SelfAttribute("name_es")
    location_type = m.Location.LocationType.PHYSICAL
    point = factory.LazyFunction(lambda: Point(-72.5078, 7.8939, srid=4326))  # Cúcuta
    time_zone = "America/Bogota"


class ServiceAtLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ServiceAtLocation

    service = factory.SubFactory(ServiceFactory)
    location = factory.SubFactory(
        LocationFactory, organization=factory.SelfAttribute("..service.organization")
    )


class PhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Phone

    number = factory.Sequence(lambda n: f"+57 601 555 01{n % 100:02d}")  # fictional range
    type = m.Phone.PhoneType.VOICE


class ScheduleFactory(factory.django.DjangoModelFactory):
    """Weekdays 08:00–17:00 (HSDS weekly rule)."""

    class Meta:
        model = m.Schedule

    freq = "WEEKLY"
    byday = "MO,TU,WE,TH,FR"
    opens_at = datetime.time(8)
    closes_at = datetime.time(17)


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Language

    code = "es"
    name = "Español"


class ServiceTermFactory(factory.django.DjangoModelFactory):
    """Tags a service with a taxonomy term (an HSDS attribute). Call
    services.search_index.refresh_services([service.id]) before searching."""

    class Meta:
        model = m.Attribute

    class Params:
        service = factory.SubFactory(ServiceFactory)

    link_id = factory.SelfAttribute("service.id")
    link_entity = "service"
    link_type = "service"
    taxonomy_term = factory.SubFactory(TaxonomyTermFactory)
