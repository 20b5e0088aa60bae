"""Per-node-type field whitelists, copied from the `facebook-business` 26.0.3 SDK.

These sets are a static copy of the SDK's ``adobjects/*.py`` ``Field`` classes (the sandbox never
imports ``facebook_business`` at run time). A field outside its type's set makes the sandbox answer
``(#100) Tried accessing nonexisting field (x) on node type (Type)`` like Graph does. The enum
sets below come from the same SDK classes.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FIELDS: dict[str, frozenset[str]] = {
    "AdsPixel": _words(
        """
        automatic_matching_fields can_proxy code config creation_time creator data_use_setting
        description duplicate_entries enable_auto_assign_to_accounts enable_automatic_matching
        event_stats event_time_max event_time_min first_party_cookie_status has_1p_pixel_event
        id is_consolidated_container is_created_by_business is_crm is_mta_use is_restricted_use
        is_unavailable last_fired_time last_upload_app last_upload_app_changed_time
        match_rate_approx matched_entries name owner_ad_account owner_business usage
        user_access_expire_time valid_entries
        """
    ),
    "Business": _words(
        """
        block_offline_analytics collaborative_ads_managed_partner_business_info
        collaborative_ads_managed_partner_eligibility collaborative_ads_partner_premium_options
        created_by created_time extended_updated_time id is_hidden link
        marketing_messages_onboarding_status name payment_account_id primary_page
        profile_picture_uri timezone_id two_factor_type updated_by updated_time
        user_access_expire_time verification_status vertical vertical_id
        whatsapp_business_manager_messaging_limit
        """
    ),
    "AdAccount": _words(
        """
        account_id account_status ad_account_promotable_objects age agency_client_declaration
        all_capabilities amount_spent attribution_spec balance
        brand_safety_content_filter_levels business business_city business_country_code
        business_name business_state business_street business_street2 business_zip
        can_create_brand_lift_study capabilities created_time currency custom_audience_info
        default_dsa_beneficiary default_dsa_payor disable_reason end_advertiser
        end_advertiser_name existing_customers expired_funding_source_details
        extended_credit_invoice_group failed_delivery_checks fb_entity funding_source
        funding_source_details has_migrated_permissions has_page_authorized_adaccount id
        io_number is_attribution_spec_system_default is_ba_skip_delayed_eligible
        is_direct_deals_enabled is_in_3ds_authorization_enabled_market is_notifications_enabled
        is_personal is_prepay_account is_tax_id_required liable_address line_numbers
        marketing_messages_settings media_agency min_campaign_group_spend_cap min_daily_budget
        name offsite_clo_signal_status offsite_pixels_tos_accepted opportunity_score
        opportunity_score_weight owner owner_business partner rf_spec send_bill_to_address
        show_checkout_experience sold_to_address spend_cap tax_id tax_id_status tax_id_type
        timezone_id timezone_name timezone_offset_hours_utc tos_accepted user_access_expire_time
        user_tasks user_tos_accepted viewable_business
        """
    ),
    "Campaign": _words(
        """
        account_id adbatch adlabels advantage_state_info bid_constraints bid_strategy
        boosted_object_id brand_lift_studies budget_rebalance_flag budget_remaining
        budget_schedule_specs buying_type campaign_group_active_time can_create_brand_lift_study
        can_use_spend_cap configured_status created_time daily_budget effective_status
        execution_options frequency_control_specs has_secondary_skadnetwork_reporting id
        is_adset_budget_sharing_enabled is_budget_schedule_enabled is_direct_send_campaign
        is_message_campaign is_meta_moment_maker_enabled is_pca_unified
        is_reels_trending_ads_enabled is_skadnetwork_attribution issues_info
        iterative_split_test_configs last_budget_toggling_time lifetime_budget name objective
        pacing_type primary_attribution promoted_object recommendations smart_promotion_type
        source_campaign source_campaign_id source_recommendation_type special_ad_categories
        special_ad_category special_ad_category_country spend_cap start_time status stop_time
        topline_id updated_time
        """
    ),
    "AdSet": _words(
        """
        account_id ad_set_goal adlabels adset_schedule anchor_event_attribution_window_days
        asset_feed_id attribution_count_type attribution_spec automatic_manual_state
        bid_adjustments bid_amount bid_constraints bid_info bid_strategy billing_event
        brand_safety_config budget_remaining campaign campaign_active_time campaign_attribution
        campaign_id configured_status created_time creative_diversity_label
        creative_diversity_score creative_sequence creative_sequence_repetition_pattern
        daily_budget daily_min_spend_target daily_spend_cap destination_type dsa_beneficiary
        dsa_payor effective_status end_time existing_customer_budget_percentage
        frequency_control_specs full_funnel_exploration_mode id instagram_user_id
        is_ba_skip_delayed_eligible is_budget_schedule_enabled is_dc_follow_optimized
        is_dynamic_creative is_incremental_attribution_enabled is_organic_ad_joint_optimized
        is_sequenced_conversion_creation issues_info learning_stage_info lifetime_budget
        lifetime_imps lifetime_min_spend_target lifetime_spend_cap live_video_ad_campaign_config
        low_creative_reach max_budget_spend_percentage meta_moment_maker_spec
        min_budget_spend_percentage multi_event_conversion_attribution_window_seconds
        multi_optimization_goal_weight name optimization_goal optimization_sub_event pacing_type
        placement_soft_opt_out promoted_object recommendations recurring_budget_semantics
        regional_regulated_categories regional_regulation_identities relative_value
        review_feedback rf_prediction_id source_adset source_adset_id special_ad_categories
        start_time status targeting targeting_optimization_types
        time_based_ad_rotation_id_blocks time_based_ad_rotation_intervals trending_topics_spec
        updated_time use_new_app_click value_rule_set_id value_rules_applied
        """
    ),
    "AdRule": _words(
        """
        account_id created_by created_time disable_error_code evaluation_spec execution_spec id
        name recommended_rule_key schedule_spec status ui_creation_source updated_time
        """
    ),
    "AdsInsights": _words(
        """
        account_currency account_id account_name action_values actions ad_click_actions ad_id
        ad_impression_actions ad_name adset_end adset_id adset_name adset_start
        advanced_actions_28d_view advanced_reach_1d_lookback advanced_reach_28d_lookback
        advanced_reach_7d_lookback age_targeting aggregated_play_time_per_reach
        anchor_event_attribution_setting anchor_events_performance_indicator attribution_setting
        auction_bid auction_competitiveness auction_max_competitor_bid
        average_purchases_conversion_value buying_type campaign_id campaign_name
        canvas_avg_view_percent canvas_avg_view_time catalog_segment_actions
        catalog_segment_value catalog_segment_value_mobile_purchase_roas
        catalog_segment_value_omni_purchase_roas catalog_segment_value_website_purchase_roas
        clicks configurable_attribution_action configurable_attribution_actionvalue
        configurable_audience_overlap_reach configurable_audience_overlap_with_conv_action
        configurable_audience_overlap_with_conv_converters
        configurable_audience_overlap_with_conv_exposure_cost
        configurable_audience_overlap_with_conv_exposure_impressions
        configurable_audience_overlap_with_conv_exposure_reach
        configurable_creative_format_performance_adset_count
        configurable_creative_format_performance_clicks
        configurable_creative_format_performance_conversions
        configurable_creative_format_performance_converters
        configurable_creative_format_performance_impressions
        configurable_creative_format_performance_spend configurable_placement_ptc_conversions
        configurable_placement_ptc_converters configurable_placement_ptc_reach
        configurable_reachbyfrequency_action configurable_reachbyfrequency_converters_count
        configurable_reachbyfrequency_impressions_cost
        configurable_reachbyfrequency_impressions_count configurable_reachbyfrequency_reach
        conversion_lead_rate conversion_leads conversion_rate_ranking conversion_values
        conversions converted_product_app_custom_event_fb_mobile_purchase
        converted_product_app_custom_event_fb_mobile_purchase_value
        converted_product_offline_purchase converted_product_offline_purchase_value
        converted_product_omni_purchase converted_product_omni_purchase_values
        converted_product_quantity converted_product_value
        converted_product_website_pixel_purchase converted_product_website_pixel_purchase_value
        converted_promoted_product_app_custom_event_fb_mobile_purchase
        converted_promoted_product_app_custom_event_fb_mobile_purchase_value
        converted_promoted_product_offline_purchase
        converted_promoted_product_offline_purchase_value
        converted_promoted_product_omni_purchase converted_promoted_product_omni_purchase_values
        converted_promoted_product_quantity converted_promoted_product_value
        converted_promoted_product_website_pixel_purchase
        converted_promoted_product_website_pixel_purchase_value cost_per_15_sec_video_view
        cost_per_2_sec_continuous_video_view cost_per_6_sec_video_view cost_per_action_type
        cost_per_ad_click cost_per_conversion cost_per_conversion_lead
        cost_per_dda_countby_convs cost_per_estimated_ad_recallers cost_per_inline_link_click
        cost_per_inline_post_engagement cost_per_message_delivered cost_per_mmp_credited_install
        cost_per_objective_result cost_per_one_thousand_ad_impression cost_per_outbound_click
        cost_per_result cost_per_thruplay cost_per_unique_action_type cost_per_unique_click
        cost_per_unique_conversion cost_per_unique_inline_link_click
        cost_per_unique_outbound_click cpc cpm cpp created_time creative_diversity_data
        creative_diversity_label creative_diversity_score creative_fatigue_summary
        creative_fatigued_ads creative_media_type ctr date_start date_stop dda_countby_convs
        dda_results engagement_rate_ranking estimated_ad_recall_rate
        estimated_ad_recall_rate_lower_bound estimated_ad_recall_rate_upper_bound
        estimated_ad_recallers estimated_ad_recallers_lower_bound
        estimated_ad_recallers_upper_bound frequency full_view_impressions full_view_reach
        gender_targeting impressions inline_link_click_ctr inline_link_clicks
        inline_post_engagement instagram_profile_follow instagram_profile_visits
        instagram_upcoming_event_reminders_set instant_experience_clicks_to_open
        instant_experience_clicks_to_start instant_experience_outbound_clicks
        interactive_component_tap labels landing_page_view_actions_per_link_click
        landing_page_view_per_link_click landing_page_view_per_purchase_rate
        link_clicks_per_results location marketing_messages_click_rate_benchmark
        marketing_messages_cost_per_delivered marketing_messages_cost_per_link_btn_click
        marketing_messages_delivered marketing_messages_delivery_rate
        marketing_messages_link_btn_click marketing_messages_link_btn_click_rate
        marketing_messages_media_view_rate marketing_messages_phone_call_btn_click_rate
        marketing_messages_quick_reply_btn_click marketing_messages_quick_reply_btn_click_rate
        marketing_messages_read marketing_messages_read_rate
        marketing_messages_read_rate_benchmark marketing_messages_sent marketing_messages_spend
        marketing_messages_spend_currency messages_delivered messages_delivered_ctr
        mmp_credited_install mobile_app_purchase_roas msa_seller_budget
        multi_event_conversion_attribution_setting objective objective_result_rate
        objective_results onsite_conversion_messaging_detected_purchase_deduped
        opportunity_score_l4 optimization_goal outbound_clicks outbound_clicks_ctr
        place_page_name playable_average_game_length playable_game_start_rate
        product_group_retailer_id product_retailer_id product_views
        purchase_per_landing_page_view purchase_roas purchases_per_link_click
        qualifying_question_qualify_answer_rate quality_ranking reach read_rate result_rate
        result_values_performance_indicator results shop_clicks shops_assisted_purchases
        social_spend spend total_card_view total_postbacks total_postbacks_detailed
        total_postbacks_detailed_v4 unique_actions unique_clicks unique_conversions unique_ctr
        unique_inline_link_click_ctr unique_inline_link_clicks unique_link_clicks_ctr
        unique_outbound_clicks unique_outbound_clicks_ctr
        unique_video_continuous_2_sec_watched_actions unique_video_view_15_sec updated_time
        video_15_sec_watched_actions video_30_sec_watched_actions video_6_sec_watched_actions
        video_avg_time_watched_actions video_continuous_2_sec_watched_actions
        video_p100_watched_actions video_p25_watched_actions video_p50_watched_actions
        video_p75_watched_actions video_p95_watched_actions video_play_actions
        video_play_curve_actions video_play_retention_0_to_15s_actions
        video_play_retention_20_to_60s_actions video_play_retention_graph_actions
        video_thruplay_watched_actions video_time_watched_actions video_view_per_impression
        website_ctr website_purchase_roas wish_bid
        """
    ),
    "OwnedDomain": _words(
        """
        domain_name id owner_business status verification_code
        """
    ),
    "CustomConversion": _words(
        """
        account_id action_source_type advanced_rule aggregation_rule business creation_time
        custom_conversion_id custom_event_type data_sources default_conversion_value description
        event_source_id event_source_type first_fired_time id is_archived is_unavailable
        last_fired_time name offline_conversion_data_set pixel retention_days rule
        """
    ),
    "OfflineConversionDataSet": _words(
        """
        automatic_matching_fields business can_proxy config creation_time creator
        data_use_setting description duplicate_entries enable_auto_assign_to_accounts
        enable_automatic_matching event_stats event_time_max event_time_min
        first_party_cookie_status id is_consolidated_container is_created_by_business is_crm
        is_mta_use is_restricted_use is_unavailable last_fired_time last_upload_app
        last_upload_app_changed_time match_rate_approx matched_entries name owner_ad_account
        owner_business usage valid_entries
        """
    ),
    "AdReportRun": _words(
        """
        account_id action_attribution_windows action_breakdowns action_report_time
        async_percent_completion async_report_url async_status breakdowns cpas_only date_preset
        date_start date_stop default_summary emails error_code error_message error_subcode
        error_user_msg error_user_title export_columns export_format export_name fields
        filtering friendly_name graph_cache id is_async_export is_bookmarked is_running level
        limit product_id_limit schedule_id sort summary summary_action_breakdowns time_completed
        time_increment time_range time_ranges time_ref use_account_attribution_setting
        use_unified_attribution_setting
        """
    ),
    "User": _words(
        """
        about age_range birthday client_business_id community cover currency education email
        favorite_athletes favorite_teams first_name gender hometown id inspirational_people
        install_type installed is_guest_user is_work_account languages last_name link
        local_news_megaphone_dismiss_status local_news_subscription_status locale location
        meeting_for middle_name name name_format payment_pricepoints political profile_pic
        quotes relationship_status religion shared_login_upgrade_required_by short_name
        significant_other sports supports_donate_button_in_live_video third_party_id timezone
        token_for_business updated_time verified video_upload_limits website
        """
    ),
    "AdsPixelStatsResult": _words(
        """
        aggregation data start_time
        """
    ),
    "DACheck": _words(
        """
        action_uri description key result title user_message
        """
    ),
    "AssignedUser": _words(
        """
        business id name user_type
        """
    ),
    "AdsPixelDomainLastFiredTime": _words(
        """
        domain_name last_fired_time
        """
    ),
    "AdsPixelEventLastFiredTime": _words(
        """
        event last_fired_time
        """
    ),
    "AdPromotedObject": _words(
        """
        ads_signal_source_type application_id boosted_product_set_id conversion_goal_id
        custom_attribution_source_ids custom_conversion_id custom_event_str custom_event_type
        dataset_split_id dataset_split_ids event_id full_funnel_objective fundraiser_campaign_id
        instagram_actor_id is_catalog_user_acknowledged job_listing_id lead_ads_custom_event_str
        lead_ads_custom_event_type lead_ads_follow_up_event lead_ads_form_event_source_type
        lead_ads_offsite_conversion_type lead_ads_quality_volume_setting
        lead_ads_selected_pixel_id live_video_destination mcme_conversion_id multi_event_product
        object_store_url object_store_urls offer_id offline_conversion_data_set_id
        offsite_conversion_event_id omnichannel_object optimization_product_set_id page_id
        passback_application_id passback_pixel_id pixel_aggregation_rule pixel_id pixel_rule
        place_page_set place_page_set_id product_catalog_id product_item_id product_set
        product_set_id product_set_optimization retention_days smart_pse_enabled
        smart_pse_setting value_semantic_type variation whats_app_business_phone_number_id
        whatsapp_phone_number
        """
    ),
}
# Extra per-item fields that some edges add to their nodes (documented on the edge pages).
EDGE_EXTRAS: dict[str, frozenset[str]] = {
    "client_pixels": _words("permitted_tasks"),
    "agencies": _words("permitted_tasks permitted_roles"),
    "assigned_users": _words("tasks permitted_tasks"),
}

# Default fields returned when a request has no ``fields`` parameter (``id`` is always added).
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "AdsPixel": ("id", "name"),
    "OfflineConversionDataSet": ("id", "name"),
    "Business": ("id", "name"),
    "User": ("id", "name"),
    "AssignedUser": ("id", "name"),
    "AdAccount": ("id", "account_id"),
    "Campaign": ("id",),
    "AdSet": ("id",),
    "AdRule": ("id",),
    "CustomConversion": ("id",),
    "OwnedDomain": ("id", "domain_name"),
    "AdReportRun": ("id", "account_id", "time_ref", "time_completed", "async_status",
                    "async_percent_completion", "date_start", "date_stop"),
    "DACheck": ("key", "title", "description", "result", "user_message", "action_uri"),
    "AdsPixelStatsResult": ("aggregation", "start_time", "data"),
    "AdsPixelDomainLastFiredTime": ("domain_name", "last_fired_time"),
    "AdsPixelEventLastFiredTime": ("event", "last_fired_time"),
    "AdsInsights": ("date_start", "date_stop"),
}

# Node types of nested object fields, so ``owner_business{id,nme}`` is validated too.
NESTED_TYPES: dict[tuple[str, str], str] = {
    ("AdsPixel", "owner_business"): "Business",
    ("AdsPixel", "owner_ad_account"): "AdAccount",
    ("AdsPixel", "creator"): "User",
    ("OwnedDomain", "owner_business"): "Business",
    ("AdAccount", "business"): "Business",
    ("AdSet", "campaign"): "Campaign",
    ("AdSet", "promoted_object"): "AdPromotedObject",
    ("AssignedUser", "business"): "Business",
    ("CustomConversion", "pixel"): "AdsPixel",
    ("CustomConversion", "business"): "Business",
    ("CustomConversion", "offline_conversion_data_set"): "OfflineConversionDataSet",
    ("OfflineConversionDataSet", "owner_business"): "Business",
    ("AdRule", "created_by"): "User",
}

# Dataset Quality API (``GET /dataset_quality``) sub-structures, per the Dataset Quality API page.
# The dedup feedback is ``dedupe_key_feedback`` (the page's examples and the SDK's
# AdsPixelCAPIIntegrationQuality.Field); its field table's ``dedup_key_feedback`` is refused.
_PCT_DESC = _words("percentage description")
DATASET_QUALITY: dict[str, frozenset[str]] = {
    "web": _words(
        "event_name event_match_quality event_potential_aly_acr_increase acr event_coverage "
        "dedupe_key_feedback data_freshness"
    ),
    "event_match_quality": _words("composite_score match_key_feedback diagnostics"),
    "match_key_feedback": _words("identifier coverage potential_aly_acr_increase"),
    "coverage": _words("percentage"),
    "potential_aly_acr_increase": _PCT_DESC,
    "diagnostics": _words(
        "name description solution percentage affected_event_count total_event_count"
    ),
    "event_potential_aly_acr_increase": _PCT_DESC,
    "acr": _PCT_DESC,
    "event_coverage": _words("percentage goal_percentage description potential_aly_acr_increase"),
    "dedupe_key_feedback": _words(
        "dedupe_key browser_events_with_dedupe_key server_events_with_dedupe_key "
        "overall_browser_coverage_from_dedupe_key"
    ),
    "browser_events_with_dedupe_key": _PCT_DESC,
    "server_events_with_dedupe_key": _PCT_DESC,
    "overall_browser_coverage_from_dedupe_key": _PCT_DESC,
    "data_freshness": _words("upload_frequency description"),
}
