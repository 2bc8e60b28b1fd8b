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


# --- accounts -------------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    """Staff users without a usable password (Argon2 is slow on purpose); tests that sign in
    with a password set one."""

    class Meta:
        model = "accounts.User"
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}@example.org")
    email = factory.LazyAttribute(
        lambda u: u.username if "@" in u.username else f"{u.username}@example.org"
    )
    password = factory.django.Password(None)  # make_password(None): unusable


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.Membership"

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = "caseworker"


def member(username: str, organization, role: str):
    """A user with one active membership."""
    user = UserFactory(username=username)
    MembershipFactory(user=user, organization=organization, role=role)
    return user


def second_factor(user):
    """The user's confirmed authenticator (made if missing)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def sign_in(client, user):
    """Signs `client` in as `user` with both factors, as the sign-in pages would."""
    from django_otp import DEVICE_ID_SESSION_KEY

    device = second_factor(user)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def verified(user):
    """`user` as OTPMiddleware leaves it after a second factor: what permission rules expect."""
    device = second_factor(user)
    user.otp_device = device
    user.is_verified = lambda: True
    return user


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
    services.search.index.refresh_services([service.id]) before searching."""

    class Meta:
        model = m.Attribute

    class Params:
        service = factory.SubFactory(ServiceFactory)

    link_id = factory.SelfAttribute("service.id")
    link_entity = "service"
    link_type = "service"
    taxonomy_term = factory.SubFactory(TaxonomyTermFactory)
