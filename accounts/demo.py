"""Demo organisations and users of every role, for `make run` (local-only passwords)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, MembershipRole
from accounts.roles import Role
from accounts.services.roles import grant_role, sync_role_groups
from market.models import Organisation, OrganisationKind
from market.validators import uscc_check_character

# Documented in the README; never use these accounts on a server others can reach.
DEMO_PASSWORD = "techmatch-demo-2026"


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    short_name: str
    kind: str
    code17: str
    province: str
    city: str
    district: str
    description: str
    verified: bool = True


@dataclass(frozen=True)
class DemoUser:
    email: str
    display_name: str
    role: str
    organisation: str | None
    org_role: str = MembershipRole.MEMBER
    title: str = ""
    superuser: bool = False


ORGANISATIONS = [
    DemoOrganisation(
        "江南理工大学",
        "江南理工",
        OrganisationKind.UNIVERSITY,
        "12320000466001234",
        "江苏省",
        "苏州市",
        "工业园区",
        "以材料、电子信息和先进制造见长的理工科大学，设有技术转移中心。",
    ),
    DemoOrganisation(
        "华东新材料研究院",
        "华东材料院",
        OrganisationKind.INSTITUTE,
        "12310000425012345",
        "上海市",
        "上海市",
        "嘉定区",
        "从事高性能复合材料、锂离子电池材料与表面工程研究的新型研发机构。",
    ),
    DemoOrganisation(
        "岭南生物医药研究所",
        "岭南生物所",
        OrganisationKind.INSTITUTE,
        "12440000455023456",
        "广东省",
        "广州市",
        "黄埔区",
        "聚焦创新药物、体外诊断试剂与医疗器械的研究所。",
    ),
    DemoOrganisation(
        "苏州智造精密机械有限公司",
        "智造精密",
        OrganisationKind.ENTERPRISE,
        "91320594MA1N23456",
        "江苏省",
        "苏州市",
        "吴中区",
        "工业机器人减速器与精密数控部件制造商，国家高新技术企业。",
    ),
    DemoOrganisation(
        "合肥清源环保科技股份有限公司",
        "清源环保",
        OrganisationKind.ENTERPRISE,
        "91340100MA2T34567",
        "安徽省",
        "合肥市",
        "高新区",
        "工业废水处理与资源化回收解决方案提供商。",
    ),
    DemoOrganisation(
        "长三角技术转移服务中心",
        "长三角技转中心",
        OrganisationKind.AGENCY,
        "52310000MJ4545678",
        "上海市",
        "上海市",
        "杨浦区",
        "提供成果评价、技术经纪、知识产权运营与技术合同登记服务。",
    ),
    DemoOrganisation(
        "星海高新区科技创新局",
        "科创局",
        OrganisationKind.GOVERNMENT,
        "11320500MB1956789",
        "江苏省",
        "苏州市",
        "星海高新区",
        "负责高新区科技成果转化政策与科技大市场运营。",
    ),
]

USERS = [
    DemoUser(
        "admin@techmatch.local",
        "平台管理员",
        Role.ADMINISTRATOR,
        "星海高新区科技创新局",
        MembershipRole.ADMIN,
        "平台运营负责人",
        superuser=True,
    ),
    DemoUser(
        "moderator@techmatch.local",
        "审核员 周敏",
        Role.MODERATOR,
        "星海高新区科技创新局",
        title="科技大市场审核员",
    ),
    DemoUser(
        "researcher@techmatch.local",
        "李建华 教授",
        Role.RESEARCHER,
        "江南理工大学",
        MembershipRole.ADMIN,
        "材料学院教授",
    ),
    DemoUser(
        "researcher2@techmatch.local",
        "陈思远 研究员",
        Role.RESEARCHER,
        "华东新材料研究院",
        title="电池材料课题组组长",
    ),
    DemoUser(
        "researcher3@techmatch.local",
        "黄雅琪 博士",
        Role.RESEARCHER,
        "岭南生物医药研究所",
        title="诊断试剂研发主管",
    ),
    DemoUser(
        "enterprise@techmatch.local",
        "王志强",
        Role.ENTERPRISE,
        "苏州智造精密机械有限公司",
        MembershipRole.ADMIN,
        "研发副总",
    ),
    DemoUser(
        "enterprise2@techmatch.local",
        "刘芳",
        Role.ENTERPRISE,
        "合肥清源环保科技股份有限公司",
        MembershipRole.ADMIN,
        "技术总监",
    ),
    DemoUser(
        "agent@techmatch.local",
        "赵立新",
        Role.AGENT,
        "长三角技术转移服务中心",
        title="高级技术经理人",
    ),
    DemoUser(
        "expert@techmatch.local",
        "孙卫东 教授级高工",
        Role.EXPERT,
        None,
        title="评审专家",
    ),
]


def _credit_code(code17: str) -> str:
    return code17 + uscc_check_character(code17)


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create or update the demo organisations and users; running it twice changes nothing."""
    sync_role_groups()
    created = {"organisations": 0, "users": 0, "memberships": 0}
    organisations: dict[str, Organisation] = {}
    for spec in ORGANISATIONS:
        org, was_created = Organisation.objects.update_or_create(
            name=spec.name,
            defaults={
                "short_name": spec.short_name,
                "kind": spec.kind,
                "credit_code": _credit_code(spec.code17),
                "province": spec.province,
                "city": spec.city,
                "district": spec.district,
                "description": spec.description,
                "is_verified": spec.verified,
            },
        )
        if spec.verified and org.verified_at is None:
            org.verified_at = timezone.now()
            org.save(update_fields=["verified_at"])
        organisations[spec.name] = org
        created["organisations"] += was_created

    User = get_user_model()
    for spec in USERS:
        user = User.objects.filter(email=spec.email).first()
        if user is None:
            user = User(email=spec.email, username=spec.email)
            user.set_password(DEMO_PASSWORD)
            created["users"] += 1
        user.display_name = spec.display_name
        user.email_verified = True
        user.is_active = True
        user.is_superuser = spec.superuser
        user.is_staff = spec.superuser
        user.save()
        grant_role(user, spec.role)
        if spec.organisation:
            _, was_created = Membership.objects.update_or_create(
                user=user,
                organisation=organisations[spec.organisation],
                defaults={"role": spec.org_role, "title": spec.title},
            )
            created["memberships"] += was_created
    return created
