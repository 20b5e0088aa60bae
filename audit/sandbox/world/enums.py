"""Enum value sets used for validation, copied from the `facebook-business` 26.0.3 SDK
(``AdPromotedObject.CustomEventType``, ``AdSet.OptimizationGoal``, ``Campaign.Objective``,
``AdsInsights.ActionAttributionWindows``/``DatePreset``, ``AdsPixelStatsResult.Aggregation``,
``AdRule*`` specs)."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Enums (SDK 26.0.3).
CUSTOM_EVENT_TYPES = _words(
    """
    ACHIEVEMENT_UNLOCKED ADD_PAYMENT_INFO ADD_TO_CART ADD_TO_WISHLIST AD_IMPRESSION
    COMPLETE_REGISTRATION CONTACT CONTENT_VIEW CUSTOMIZE_PRODUCT D2_RETENTION D7_RETENTION DONATE
    FIND_LOCATION INITIATED_CHECKOUT LEAD LEVEL_ACHIEVED LISTING_INTERACTION
    MESSAGING_CONVERSATION_STARTED_7D OTHER PURCHASE RATE SCHEDULE SEARCH SERVICE_BOOKING_REQUEST
    SPENT_CREDITS START_TRIAL SUBMIT_APPLICATION SUBSCRIBE TUTORIAL_COMPLETION
    """
)
OPTIMIZATION_GOALS = _words(
    """
    ADVERTISER_SILOED_VALUE AD_RECALL_LIFT APP_INSTALLS APP_INSTALLS_AND_OFFSITE_CONVERSIONS
    AUTOMATIC_OBJECTIVE CONVERSATIONS DERIVED_EVENTS ENGAGED_PAGE_VIEWS ENGAGED_USERS
    EVENT_RESPONSES IMPRESSIONS IN_APP_VALUE LANDING_PAGE_VIEWS LEAD_GENERATION LINK_CLICKS
    MEANINGFUL_CALL_ATTEMPT MESSAGING_APPOINTMENT_CONVERSION MESSAGING_DEEP_CONVERSATION_AND_FOLLOW
    MESSAGING_PURCHASE_CONVERSION NONE OFFSITE_CONVERSIONS PAGE_LIKES POST_ENGAGEMENT
    PROFILE_AND_PAGE_ENGAGEMENT PROFILE_VISIT QUALITY_CALL QUALITY_LEAD REACH REMINDERS_SET
    SUBSCRIBERS THRUPLAY VALUE VISIT_INSTAGRAM_PROFILE
    """
)
CAMPAIGN_OBJECTIVES = _words(
    """
    APP_INSTALLS BRAND_AWARENESS CONVERSIONS EVENT_RESPONSES LEAD_GENERATION LINK_CLICKS
    LOCAL_AWARENESS MESSAGES OFFER_CLAIMS OUTCOME_APP_PROMOTION OUTCOME_AWARENESS
    OUTCOME_ENGAGEMENT OUTCOME_LEADS OUTCOME_SALES OUTCOME_TRAFFIC PAGE_LIKES POST_ENGAGEMENT
    PRODUCT_CATALOG_SALES REACH STORE_VISITS VIDEO_VIEWS
    """
)
OBJECT_STATUSES = _words("ACTIVE PAUSED ARCHIVED DELETED")
ATTRIBUTION_WINDOWS = _words(
    """
    1d_click 1d_ev 1d_sequenced 1d_view 28d_click 28d_sequenced 28d_view 28d_view_all_conversions
    28d_view_first_conversion 7d_click 7d_sequenced 7d_view 7d_view_all_conversions
    7d_view_first_conversion custom dda default incrementality incrementality_all_conversions
    incrementality_first_conversion skan_click skan_click_second_postback
    skan_click_third_postback skan_view skan_view_second_postback skan_view_third_postback
    """
)
# Windows the sandbox models with numbers; the other enum values are accepted and return nothing.
MODELLED_WINDOWS = ("1d_click", "7d_click", "28d_click", "1d_view", "7d_view", "28d_view",
                    "1d_ev")
DATE_PRESETS = _words(
    """
    data_maximum last_14d last_28d last_30d last_3d last_7d last_90d last_month last_quarter
    last_week_mon_sun last_week_sun_sat last_year maximum this_month this_quarter
    this_week_mon_today this_week_sun_today this_year today yesterday
    """
)
INSIGHTS_LEVELS = ("account", "campaign", "adset", "ad")
STATS_AGGREGATIONS = _words(
    """
    browser_type custom_data_field device_os device_type event event_detection_method
    event_processing_results event_source event_total_counts event_value_count had_pii host
    match_keys pixel_fire url url_by_rule
    """
)
PIXEL_TASKS = _words("AA_ANALYZE ADVERTISE ANALYZE EDIT UPLOAD")
RULE_STATUSES = _words("ENABLED DISABLED DELETED HAS_ISSUES")
RULE_EVALUATION_TYPES = _words("SCHEDULE TRIGGER")
RULE_OPERATORS = _words(
    "GREATER_THAN LESS_THAN EQUAL NOT_EQUAL IN_RANGE NOT_IN_RANGE IN NOT_IN CONTAIN NOT_CONTAIN "
    "ANY ALL NONE"
)
RULE_TRIGGER_TYPES = _words(
    "METADATA_CREATION METADATA_UPDATE STATS_MILESTONE STATS_CHANGE DELIVERY_INSIGHTS_CHANGE"
)
RULE_EXECUTION_TYPES = _words(
    """
    NOTIFICATION PAUSE UNPAUSE CHANGE_BUDGET CHANGE_CAMPAIGN_BUDGET CHANGE_BID ROTATE
    REBALANCE_BUDGET PING_ENDPOINT DCO ADD_INTEREST_RELAXATION ADD_QUESTIONNAIRE_INTERESTS
    INCREASE_RADIUS UPDATE_CREATIVE UPDATE_LAX_BUDGET UPDATE_LAX_DURATION AUDIENCE_CONSOLIDATION
    AUDIENCE_CONSOLIDATION_ASK_FIRST AD_RECOMMENDATION_APPLY
    """
)
RULE_SCHEDULE_TYPES = _words("DAILY HOURLY SEMI_HOURLY CUSTOM")
