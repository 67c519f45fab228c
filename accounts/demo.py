"""Demo organisations, users of every role and the catalogue, for `make run`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts import challenge_receivers, deal_receivers, receivers
from accounts.models import Membership, MembershipRole
from accounts.roles import Role
from accounts.services.roles import grant_role, sync_role_groups
from market.demo_content import load_demo_catalogue, load_demo_challenges
from market.demo_deals import load_demo_deals
from market.models import Organisation, OrganisationKind
from market.signals import (
    challenge_delivery,
    challenge_objection,
    challenge_status_changed,
    listing_status_changed,
)
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
        "燕京工业大学",
        "燕京工大",
        OrganisationKind.UNIVERSITY,
        "12110000400018765",
        "北京市",
        "北京市",
        "海淀区",
        "以信息、航天和自动化学科见长的研究型大学，技术转移研究院负责成果评价与转化。",
    ),
    DemoOrganisation(
        "钱塘大学",
        "钱塘大学",
        OrganisationKind.UNIVERSITY,
        "12330000470025431",
        "浙江省",
        "杭州市",
        "西湖区",
        "综合性大学，在数字技术、农业生物和文化遗产保护方面有较强的研究基础。",
    ),
    DemoOrganisation(
        "楚天理工大学",
        "楚天理工",
        OrganisationKind.UNIVERSITY,
        "12420000441036587",
        "湖北省",
        "武汉市",
        "洪山区",
        "以光电、材料、船舶与生态环境学科为特色的理工科大学。",
    ),
    DemoOrganisation(
        "秦川工业大学",
        "秦川工大",
        OrganisationKind.UNIVERSITY,
        "12610000435047218",
        "陕西省",
        "西安市",
        "雁塔区",
        "航空航天、能源动力与矿业工程特色鲜明的工科大学。",
    ),
    DemoOrganisation(
        "南山智能感知研究院",
        "南山感知院",
        OrganisationKind.INSTITUTE,
        "12440300MB2C58742",
        "广东省",
        "深圳市",
        "南山区",
        "从事智能传感芯片、机器视觉与机器人技术研发和孵化的新型研发机构。",
    ),
    DemoOrganisation(
        "江淮能源技术研究院",
        "江淮能源院",
        OrganisationKind.INSTITUTE,
        "12340100MB0D69853",
        "安徽省",
        "合肥市",
        "包河区",
        "聚焦光伏、氢能、储能与智能电网技术的应用研究机构。",
    ),
    DemoOrganisation(
        "深圳鸿芯微电子有限公司",
        "鸿芯微",
        OrganisationKind.ENTERPRISE,
        "91440300MA5F7K2P3",
        "广东省",
        "深圳市",
        "宝安区",
        "功率半导体器件设计与封装测试企业，产品用于新能源汽车和工业电源。",
    ),
    DemoOrganisation(
        "杭州云图数智科技有限公司",
        "云图数智",
        OrganisationKind.ENTERPRISE,
        "91330108MA2H4N8R1",
        "浙江省",
        "杭州市",
        "滨江区",
        "为制造、城市治理和电商企业提供人工智能与数据服务的软件企业。",
    ),
    DemoOrganisation(
        "成都云翔航空零部件有限公司",
        "云翔航空",
        OrganisationKind.ENTERPRISE,
        "91510116MA6C9T3L2",
        "四川省",
        "成都市",
        "双流区",
        "航空结构件与发动机零部件精密加工企业，具备航空质量管理体系认证。",
    ),
    DemoOrganisation(
        "南京汇能电力设备有限公司",
        "汇能电力",
        OrganisationKind.ENTERPRISE,
        "91320115MA1X8Q4D6",
        "江苏省",
        "南京市",
        "江宁区",
        "输配电设备与储能系统制造商，国家高新技术企业。",
    ),
    DemoOrganisation(
        "上海嘉驰新能源汽车零部件有限公司",
        "嘉驰零部件",
        OrganisationKind.ENTERPRISE,
        "91310114MA1G5W7E9",
        "上海市",
        "上海市",
        "嘉定区",
        "新能源汽车电池包壳体、驱动电机与热管理系统供应商。",
    ),
    DemoOrganisation(
        "广州康沐医疗器械有限公司",
        "康沐医疗",
        OrganisationKind.ENTERPRISE,
        "91440112MA9Y2U6H4",
        "广东省",
        "广州市",
        "黄埔区",
        "内窥镜、血液净化和康复器械研发生产企业。",
    ),
    DemoOrganisation(
        "西安秦峰新材料有限公司",
        "秦峰新材",
        OrganisationKind.ENTERPRISE,
        "91610112MA6W3R8J5",
        "陕西省",
        "西安市",
        "未央区",
        "高温合金粉末、钛合金材料和碳基复合材料生产企业。",
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
        "manager@techmatch.local",
        "管委会 吴静",
        Role.MANAGER,
        "星海高新区科技创新局",
        title="园区管委会科技统计负责人",
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


# Listings of organisations without a demo account were entered by the platform's
# operator on their behalf, as a regional technology market does for its partners.
CATALOGUE_OPERATOR = "admin@techmatch.local"
CATALOGUE_MODERATOR = "moderator@techmatch.local"
# The transfer agent who carries the demo deals.
DEMO_AGENT = "agent@techmatch.local"

# The receiver that turns listing status changes into notifications (accounts.receivers).
_NOTIFY_LISTING_STATUS = "accounts.notify_listing_status"
# Those of challenge steps and objections (accounts.challenge_receivers).
_NOTIFY_CHALLENGE_STATUS = "accounts.notify_challenge_status"
_NOTIFY_CHALLENGE_OBJECTION = "accounts.notify_challenge_objection"
_NOTIFY_CHALLENGE_DELIVERY = "accounts.notify_challenge_delivery"


def _credit_code(code17: str) -> str:
    return code17 + uscc_check_character(code17)


@contextmanager
def _challenge_notifications_muted() -> Iterator[None]:
    """Keep the demo challenges' walk through their life cycle (submissions, awards,
    objections, payouts) out of the demo users' inboxes, like the catalogue's."""
    status = challenge_status_changed.disconnect(dispatch_uid=_NOTIFY_CHALLENGE_STATUS)
    objection = challenge_objection.disconnect(dispatch_uid=_NOTIFY_CHALLENGE_OBJECTION)
    delivery = challenge_delivery.disconnect(dispatch_uid=_NOTIFY_CHALLENGE_DELIVERY)
    try:
        yield
    finally:
        if status:
            challenge_status_changed.connect(
                challenge_receivers.on_challenge_status_changed,
                dispatch_uid=_NOTIFY_CHALLENGE_STATUS,
            )
        if objection:
            challenge_objection.connect(
                challenge_receivers.on_challenge_objection,
                dispatch_uid=_NOTIFY_CHALLENGE_OBJECTION,
            )
        if delivery:
            challenge_delivery.connect(
                challenge_receivers.on_challenge_delivery,
                dispatch_uid=_NOTIFY_CHALLENGE_DELIVERY,
            )


@contextmanager
def _listing_notifications_muted() -> Iterator[None]:
    """Keep the demo's hundred submissions and approvals out of inboxes and mail.

    The status-change signal still fires for every other receiver; only this process's
    notification receiver is disconnected, and always reconnected afterwards.
    """
    disconnected = listing_status_changed.disconnect(
        dispatch_uid=_NOTIFY_LISTING_STATUS
    )
    try:
        yield
    finally:
        if disconnected:
            listing_status_changed.connect(
                receivers.on_listing_status_changed, dispatch_uid=_NOTIFY_LISTING_STATUS
            )


def _catalogue_authors(organisations: dict[str, Organisation]) -> dict[str, int]:
    """Organisation name → the demo user who writes its listings."""
    User = get_user_model()
    emails = {spec.email for spec in USERS}
    users = {u.email: u.pk for u in User.objects.filter(email__in=emails)}
    authors: dict[str, int] = {}
    for spec in USERS:  # the first demo member of each organisation
        if spec.organisation and spec.organisation not in authors:
            authors[spec.organisation] = users[spec.email]
    operator = users[CATALOGUE_OPERATOR]
    return {name: authors.get(name, operator) for name in organisations}


@transaction.atomic
def load_demo(*, catalogue: bool = True) -> dict[str, int]:
    """Create the demo organisations, users and catalogue; running it twice changes nothing.

    ``catalogue=False`` stops after the people (tests that need only accounts).
    """
    sync_role_groups()
    created = dict.fromkeys(
        (
            "organisations",
            "users",
            "memberships",
            "outcomes",
            "demands",
            "images",
            "campaigns",
            "challenges",
            "applications",
        ),
        0,
    )
    created["deadlines_refreshed"] = 0
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
    for user_spec in USERS:
        user = User.objects.filter(email=user_spec.email).first()
        if user is None:
            user = User(email=user_spec.email, username=user_spec.email)
            user.set_password(DEMO_PASSWORD)
            created["users"] += 1
        user.display_name = user_spec.display_name
        user.email_verified = True
        user.is_active = True
        user.is_superuser = user_spec.superuser
        user.is_staff = user_spec.superuser
        user.save()
        grant_role(user, user_spec.role)
        if user_spec.organisation:
            _, was_created = Membership.objects.update_or_create(
                user=user,
                organisation=organisations[user_spec.organisation],
                defaults={"role": user_spec.org_role, "title": user_spec.title},
            )
            created["memberships"] += was_created

    if not catalogue:
        return created
    moderator_id = (
        User.objects.filter(email=CATALOGUE_MODERATOR)
        .values_list("pk", flat=True)
        .first()
    )
    authors = _catalogue_authors(organisations)
    with _listing_notifications_muted():
        created |= load_demo_catalogue(moderator_id=moderator_id, author_ids=authors)
    with _challenge_notifications_muted():
        created |= load_demo_challenges(moderator_id=moderator_id, author_ids=authors)
    agent_id = (
        User.objects.filter(email=DEMO_AGENT).values_list("pk", flat=True).first()
    )
    deal_receivers.disconnect()
    try:
        created |= load_demo_deals(agent_id=agent_id)
    finally:
        deal_receivers.connect()
    return created
