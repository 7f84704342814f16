"""The names LTI 1.3, Deep Linking 2.0 and AGS 2.0 give to claims, messages, roles and scopes."""

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = LTI + "message_type"
VERSION = LTI + "version"
DEPLOYMENT_ID = LTI + "deployment_id"
TARGET_LINK_URI = LTI + "target_link_uri"
RESOURCE_LINK = LTI + "resource_link"
ROLES = LTI + "roles"
CONTEXT = LTI + "context"
CUSTOM = LTI + "custom"

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
DL_SETTINGS = DL + "deep_linking_settings"
DL_CONTENT_ITEMS = DL + "content_items"
DL_DATA = DL + "data"
DL_MSG = DL + "msg"

AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCORE_MEDIA_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
LINEITEM_MEDIA_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS_MEDIA_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"

LTI_VERSION = "1.3.0"
RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
DEEP_LINKING_RESPONSE = "LtiDeepLinkingResponse"
MESSAGE_TYPES = (RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST)

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

# The custom parameter our deep-linking response puts on a link (see store.LtiLinkGrant).
LINK_PARAMETER = "claim_check_link"

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
# Roles that make a launch an instructor's: they see the dashboard, not the quiz.
INSTRUCTOR_ROLES = frozenset(
    {
        LIS + "membership#Instructor",
        LIS + "membership#Administrator",
        LIS + "membership#ContentDeveloper",
        LIS + "institution/person#Administrator",
        LIS + "institution/person#Instructor",
        LIS + "system/person#Administrator",
        LIS + "system/person#SysAdmin",
        # Simple names, allowed for context roles.
        "Instructor",
        "Administrator",
        "ContentDeveloper",
    }
)
INSTRUCTOR_SUB_ROLE = LIS + "membership/Instructor#"  # TeachingAssistant, Grader…


def is_instructor(roles: list[str]) -> bool:
    """Return whether the launch's roles include an instructor or administrator role."""
    return any(role in INSTRUCTOR_ROLES or role.startswith(INSTRUCTOR_SUB_ROLE) for role in roles)
