"""factory_boy factories for the directory. Parts add theirs below."""

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
