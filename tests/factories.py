"""One factory per model. Codes and ID numbers carry correct check characters."""

from datetime import date, timedelta

import factory
from django.contrib.auth import get_user_model
from stdnum.cn import ric, uscc

from activities.models import Venue
from enterprises.models import Coverage, Enterprise, Instructor, InstructorAssignment
from meetings.models import JointBody, RotationSeat
from organizations.models import District, Grid, Organization, Park, PartyMember, ScoringSheet
from parkparty.models import Grant, Role


def credit_code(n: int) -> str:
    body = f"913505{n:011d}"[:17]
    return body + uscc.calc_check_digit(body)


def id_number(n: int) -> str:
    born = date(1960, 1, 1) + timedelta(days=n // 500)
    body = f"350526{born:%Y%m%d}{n % 500 + 1:03d}"  # Dehua county
    return body + ric.calc_check_digit(body + "0")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pass-1234-word")


class ParkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Park
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"park-{n}")
    name = factory.Sequence(lambda n: f"园区{n}")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    park = factory.SubFactory(ParkFactory)
    name = factory.Sequence(lambda n: f"片区{n}")


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grid

    park = factory.SubFactory(ParkFactory)
    name = factory.Sequence(lambda n: f"网格{n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    """Pass `parent=` to add under a node; without it the organization is a root of the forest."""

    class Meta:
        model = Organization

    park = factory.SubFactory(ParkFactory)
    name = factory.Sequence(lambda n: f"党支部{n}")
    kind = Organization.Kind.BRANCH
    formation = Organization.Formation.STANDALONE
    established_on = date(2015, 1, 1)

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        node = model_class(**kwargs)
        if parent is None:
            return model_class.objects.add_root(instance=node)
        return model_class.objects.add_child(parent, instance=node)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    park = factory.SubFactory(ParkFactory)
    name = factory.Sequence(lambda n: f"企业{n}有限公司")
    credit_code = factory.Sequence(credit_code)
    industry = "陶瓷"
    employees = 50
    entered_on = date(2015, 1, 1)


class CoverageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coverage

    enterprise = factory.SubFactory(EnterpriseFactory)
    organization = factory.SubFactory(OrganizationFactory, park=factory.SelfAttribute("..enterprise.park"))
    started_on = date(2016, 1, 1)


class PartyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartyMember

    organization = factory.SubFactory(OrganizationFactory)
    park = factory.SelfAttribute("organization.park")
    name = factory.Sequence(lambda n: f"党员{n}")
    status = PartyMember.Status.FULL
    joined_on = date(2010, 7, 1)
    full_member_on = date(2011, 7, 1)
    post = PartyMember.Post.WORKER
    id_number = factory.Sequence(id_number)
    phone = factory.Sequence(lambda n: f"138{n:08d}")


class InstructorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instructor

    park = factory.SubFactory(ParkFactory)
    name = factory.Sequence(lambda n: f"指导员{n}")
    phone = "13900001111"


class InstructorAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstructorAssignment

    instructor = factory.SubFactory(InstructorFactory)
    enterprise = factory.SubFactory(EnterpriseFactory, park=factory.SelfAttribute("..instructor.park"))
    started_on = date(2016, 1, 1)


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grant

    user = factory.SubFactory(UserFactory)
    role = Role.PARK_VIEWER


class JointBodyFactory(factory.django.DjangoModelFactory):
    """A joint conference. `organizations=[...]` and `enterprises=[...]` add members; `seats=[...]` gives
    the rotating chair's enterprises in order (positions 1, 2, ...)."""

    class Meta:
        model = JointBody
        skip_postgeneration_save = True

    park = factory.SubFactory(ParkFactory)
    name = factory.Sequence(lambda n: f"联席会{n}")
    kind = JointBody.Kind.JOINT_CONFERENCE
    established_on = date(2018, 1, 1)

    @factory.post_generation
    def organizations(self, create, extracted, **kwargs):
        if create and extracted:
            self.organizations.add(*extracted)

    @factory.post_generation
    def enterprises(self, create, extracted, **kwargs):
        if create and extracted:
            self.enterprises.add(*extracted)

    @factory.post_generation
    def seats(self, create, extracted, **kwargs):
        for position, enterprise in enumerate(extracted or (), start=1):
            RotationSeatFactory(joint_body=self, position=position, enterprise=enterprise)


class RotationSeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RotationSeat

    joint_body = factory.SubFactory(JointBodyFactory)
    position = factory.Sequence(lambda n: n + 1)
    enterprise = factory.SubFactory(EnterpriseFactory, park=factory.SelfAttribute("..joint_body.park"))


class ScoringSheetFactory(factory.django.DjangoModelFactory):
    """A scoring sheet without criteria (add Criterion rows, or use the world's sheet)."""

    class Meta:
        model = ScoringSheet

    park = factory.SubFactory(ParkFactory)
    year = 2024
    title = factory.LazyAttribute(lambda sheet: f"{sheet.year}年度党支部星级评定评分细则")


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    park = factory.SubFactory(ParkFactory)
    name = factory.Sequence(lambda n: f"党群服务中心{n}")
