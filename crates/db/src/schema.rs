// @generated automatically by Diesel CLI.

diesel::table! {
    account_statements (id) {
        id -> Int8,
        #[max_length = 8]
        kind -> Varchar,
        wholesaler_id -> Int8,
        retailer_id -> Int8,
        period_from -> Date,
        period_to -> Date,
        #[max_length = 255]
        file_name -> Varchar,
        #[max_length = 500]
        file_path -> Varchar,
        storage_key -> Text,
        metadata -> Text,
        byte_size -> Nullable<Int8>,
        opening_balance -> Int8,
        charges -> Int8,
        payments -> Int8,
        closing_balance -> Int8,
        #[max_length = 255]
        idempotency_key -> Nullable<Varchar>,
        issued_by -> Nullable<Int8>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    alert_settings (user_id) {
        user_id -> Int8,
        order_alerts -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    auction_grade_map (auction_grade) {
        #[max_length = 255]
        auction_grade -> Varchar,
        #[max_length = 1]
        order_grade -> Nullable<Varchar>,
        rank -> Int2,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    auction_price_board (sale_date, flower_type, flower_name, grade) {
        sale_date -> Date,
        #[max_length = 255]
        flower_type -> Varchar,
        #[max_length = 255]
        flower_name -> Varchar,
        #[max_length = 255]
        grade -> Varchar,
        quantity -> Int8,
        min_price -> Int8,
        avg_price -> Int8,
        max_price -> Int8,
        total_price -> Int8,
        prev_week_avg_price -> Nullable<Int8>,
        band_low -> Nullable<Int8>,
        band_high -> Nullable<Int8>,
        history_days -> Int4,
        #[max_length = 8]
        trend -> Varchar,
        refreshed_at -> Timestamptz,
    }
}

diesel::table! {
    auction_results (id) {
        id -> Int8,
        #[max_length = 255]
        flower_name -> Varchar,
        #[max_length = 255]
        flower_type_name -> Varchar,
        #[max_length = 255]
        flower_grade -> Varchar,
        box_count -> Int4,
        flower_count -> Int4,
        price -> Int4,
        total_price -> Int4,
        #[max_length = 255]
        serial_code -> Varchar,
        #[max_length = 255]
        shipper -> Nullable<Varchar>,
        wholesaler_id -> Int8,
        auction_date -> Int4,
        retail_price -> Nullable<Int4>,
        is_sold_out -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Int8,
        wholesaler_id -> Int8,
        retailer_id -> Int8,
        order_sheet_id -> Nullable<Int8>,
        #[max_length = 24]
        subject -> Varchar,
        subject_id -> Int8,
        #[max_length = 24]
        action -> Varchar,
        actor_id -> Nullable<Int8>,
        before -> Nullable<Jsonb>,
        after -> Nullable<Jsonb>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    auth_tokens (id) {
        id -> Int8,
        #[max_length = 1000]
        refresh_token -> Varchar,
        user_id -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
        family -> Uuid,
    }
}

diesel::table! {
    batch_cart_to_order_logs (id) {
        id -> Int8,
        cart_item_count -> Int4,
        order_sheet_count -> Int4,
        order_item_count -> Int4,
        err_logs -> Text,
        #[max_length = 16]
        status -> Varchar,
        failed_retailer_count -> Int4,
        finished_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    bidding_flowers (id) {
        id -> Int8,
        flower_id -> Int8,
        bidding_date -> Timestamptz,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    biz_connections (id) {
        id -> Int8,
        retailer_id -> Int8,
        wholesaler_id -> Int8,
        #[max_length = 16]
        apply_status -> Varchar,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    business_infos (id) {
        id -> Int8,
        user_id -> Int8,
        #[max_length = 255]
        company_name -> Varchar,
        #[max_length = 255]
        company_phone_no -> Varchar,
        #[max_length = 255]
        employer_name -> Varchar,
        #[max_length = 255]
        address -> Varchar,
        #[max_length = 255]
        business_no -> Varchar,
        #[max_length = 255]
        business_main_category -> Varchar,
        #[max_length = 255]
        business_sub_category -> Varchar,
        #[max_length = 255]
        seal_stamp_img_url -> Varchar,
        #[max_length = 255]
        bank_account -> Varchar,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    cart_items (id) {
        id -> Int8,
        session_id -> Int8,
        retailer_id -> Int8,
        wholesaler_id -> Nullable<Int8>,
        flower_id -> Int8,
        quantity -> Int4,
        #[max_length = 8]
        grade -> Varchar,
        ordered_at -> Nullable<Timestamptz>,
        #[max_length = 600]
        memo -> Nullable<Varchar>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    custom_order_items (id) {
        id -> Int8,
        order_sheet_id -> Int8,
        retailer_id -> Int8,
        wholesaler_id -> Int8,
        #[max_length = 255]
        flower_name -> Nullable<Varchar>,
        #[max_length = 255]
        flower_type_name -> Nullable<Varchar>,
        quantity -> Nullable<Int4>,
        #[max_length = 8]
        grade -> Nullable<Varchar>,
        price -> Nullable<Int4>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    daily_order_items (id) {
        id -> Int8,
        wholesaler_id -> Int8,
        flower_id -> Int8,
        #[max_length = 8]
        grade -> Varchar,
        price -> Nullable<Int4>,
        order_date -> Date,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    flower_batch_process_logs (id) {
        id -> Int8,
        new_flower_count -> Int8,
        new_flower_type_count -> Int8,
        affected_flower_count -> Int8,
        #[max_length = 16]
        status -> Varchar,
        err_logs -> Text,
        base_date -> Nullable<Date>,
        flower_gubn -> Nullable<Int2>,
        pages -> Int4,
        rows_fetched -> Int8,
        rows_rejected -> Int8,
        bidding_dates_added -> Int8,
        duration_ms -> Int8,
        finished_at -> Nullable<Timestamptz>,
        upload_log_id -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    flower_batch_upload_logs (id) {
        id -> Int8,
        success -> Int8,
        failure -> Int8,
        total -> Int8,
        err_logs -> Text,
        base_date -> Nullable<Date>,
        flower_gubn -> Nullable<Int2>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    flower_colors (id) {
        id -> Int8,
        #[max_length = 255]
        name -> Varchar,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    flower_types (id) {
        id -> Int8,
        #[max_length = 255]
        name -> Varchar,
        #[max_length = 255]
        img_url -> Nullable<Varchar>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    flowers (id) {
        id -> Int8,
        #[max_length = 255]
        name -> Varchar,
        images -> Nullable<Array<Nullable<Text>>>,
        flower_type_id -> Int8,
        flower_color_id -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    ledger_accounts (wholesaler_id, retailer_id) {
        wholesaler_id -> Int8,
        retailer_id -> Int8,
        balance -> Int8,
        last_payment_on -> Nullable<Date>,
        first_entry_on -> Nullable<Date>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    ledger_entries (id) {
        id -> Int8,
        wholesaler_id -> Int8,
        retailer_id -> Int8,
        #[max_length = 16]
        kind -> Varchar,
        amount -> Int8,
        entry_date -> Date,
        order_sheet_id -> Nullable<Int8>,
        receipt_id -> Nullable<Int8>,
        account_statement_id -> Nullable<Int8>,
        exempt_supply -> Int8,
        taxable_supply -> Int8,
        vat -> Int8,
        #[max_length = 16]
        method -> Nullable<Varchar>,
        #[max_length = 200]
        memo -> Nullable<Varchar>,
        reverses_id -> Nullable<Int8>,
        recorded_by -> Nullable<Int8>,
        #[max_length = 100]
        idempotency_key -> Nullable<Varchar>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    notification_outbox (id) {
        id -> Int8,
        #[max_length = 64]
        template -> Varchar,
        #[max_length = 20]
        recipient -> Varchar,
        args -> Jsonb,
        idempotency_key -> Uuid,
        #[max_length = 16]
        status -> Varchar,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        last_error -> Nullable<Text>,
        sms_log_id -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        refusals -> Int4,
    }
}

diesel::table! {
    order_change_requests (id) {
        id -> Int8,
        order_sheet_id -> Int8,
        retailer_id -> Int8,
        wholesaler_id -> Int8,
        changes -> Jsonb,
        #[max_length = 200]
        message -> Nullable<Varchar>,
        #[max_length = 10]
        status -> Varchar,
        #[max_length = 200]
        answer -> Nullable<Varchar>,
        answered_by -> Nullable<Int8>,
        answered_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    order_cutoffs (wholesaler_id) {
        wholesaler_id -> Int8,
        cutoff_minutes -> Array<Nullable<Int2>>,
        edit_after_cutoff -> Bool,
        updated_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    order_items (id) {
        id -> Int8,
        order_sheet_id -> Int8,
        retailer_id -> Int8,
        wholesaler_id -> Int8,
        flower_id -> Int8,
        quantity -> Int4,
        #[max_length = 8]
        grade -> Varchar,
        price -> Nullable<Int4>,
        #[max_length = 600]
        memo -> Nullable<Varchar>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    order_sheet_receipts (id) {
        id -> Int8,
        order_sheet_id -> Int8,
        #[max_length = 255]
        file_name -> Varchar,
        #[max_length = 500]
        file_path -> Varchar,
        #[max_length = 10]
        file_format -> Varchar,
        metadata -> Text,
        storage_key -> Text,
        #[max_length = 255]
        idempotency_key -> Nullable<Varchar>,
        issued_by -> Nullable<Int8>,
        byte_size -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
        previous_balance -> Nullable<Int8>,
        payments_today -> Nullable<Int8>,
        balance -> Nullable<Int8>,
    }
}

diesel::table! {
    order_sheets (id) {
        id -> Int8,
        #[max_length = 32]
        order_no -> Varchar,
        retailer_id -> Int8,
        wholesaler_id -> Int8,
        price_updated_at -> Nullable<Timestamptz>,
        #[max_length = 600]
        memo -> Nullable<Varchar>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
        cutoff_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    phone_proofs (id) {
        id -> Int8,
        token_hash -> Bytea,
        #[max_length = 20]
        phone_no -> Varchar,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        consumed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    public_bidding_flowers (id) {
        id -> Int8,
        #[max_length = 255]
        flower_type -> Varchar,
        #[max_length = 255]
        flower_name -> Varchar,
        #[max_length = 255]
        grade -> Varchar,
        quantity -> Int8,
        max_price -> Int8,
        min_price -> Int8,
        avg_price -> Int8,
        total_price -> Int8,
        bid_date -> Nullable<Timestamptz>,
        sale_date -> Date,
        flower_gubn -> Int2,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    rate_limit_windows (scope, subject, window_start) {
        #[max_length = 64]
        scope -> Varchar,
        #[max_length = 128]
        subject -> Varchar,
        window_start -> Timestamptz,
        hits -> Int4,
    }
}

diesel::table! {
    seal_stamps (id) {
        id -> Int8,
        user_id -> Int8,
        #[max_length = 255]
        source_url -> Varchar,
        #[max_length = 16]
        status -> Varchar,
        #[max_length = 255]
        detail -> Nullable<Varchar>,
        #[max_length = 255]
        storage_key -> Nullable<Varchar>,
        #[max_length = 32]
        content_type -> Nullable<Varchar>,
        byte_size -> Nullable<Int4>,
        width -> Nullable<Int4>,
        height -> Nullable<Int4>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    send_sms_logs (id) {
        id -> Int8,
        to -> Text,
        message -> Text,
        status -> Text,
        err_logs -> Text,
        #[max_length = 64]
        template -> Nullable<Varchar>,
        #[max_length = 3]
        msg_type -> Nullable<Varchar>,
        #[max_length = 16]
        provider -> Nullable<Varchar>,
        #[max_length = 255]
        provider_request_id -> Nullable<Varchar>,
        attempts -> Int4,
        #[max_length = 64]
        error_code -> Nullable<Varchar>,
        #[max_length = 255]
        idempotency_key -> Nullable<Varchar>,
        #[max_length = 255]
        requested_by -> Nullable<Varchar>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    shopping_sessions (id) {
        id -> Int8,
        retailer_id -> Int8,
        wholesaler_id -> Nullable<Int8>,
        #[max_length = 600]
        memo -> Nullable<Varchar>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    sign_in_throttles (phone_no) {
        phone_no -> Text,
        failed_count -> Int4,
        first_failed_at -> Timestamptz,
        locked_until -> Nullable<Timestamptz>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    sms_verifications (id) {
        id -> Int8,
        #[max_length = 20]
        phone_no -> Varchar,
        code_hash -> Text,
        expires_at -> Timestamptz,
        attempts -> Int4,
        verified_at -> Nullable<Timestamptz>,
        #[max_length = 64]
        requester_ip -> Nullable<Varchar>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    standing_order_lines (id) {
        id -> Int8,
        standing_order_id -> Int8,
        flower_id -> Int8,
        quantity -> Int4,
        #[max_length = 8]
        grade -> Varchar,
        #[max_length = 200]
        memo -> Nullable<Varchar>,
    }
}

diesel::table! {
    standing_order_runs (standing_order_id, occurrence_on) {
        standing_order_id -> Int8,
        occurrence_on -> Date,
        order_sheet_id -> Nullable<Int8>,
        #[max_length = 300]
        outcome -> Varchar,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    standing_orders (id) {
        id -> Int8,
        retailer_id -> Int8,
        wholesaler_id -> Int8,
        weekdays -> Array<Nullable<Int2>>,
        starts_on -> Date,
        paused -> Bool,
        skip_on -> Nullable<Date>,
        #[max_length = 200]
        memo -> Nullable<Varchar>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    tax_document_numbers (wholesaler_id, retailer_id, month, category) {
        wholesaler_id -> Int8,
        retailer_id -> Int8,
        month -> Date,
        #[max_length = 16]
        category -> Varchar,
        #[max_length = 64]
        document_no -> Varchar,
        recorded_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    user_credentials (id) {
        id -> Int8,
        user_id -> Int8,
        #[max_length = 32]
        role -> Varchar,
        #[max_length = 255]
        phone_no -> Varchar,
        #[max_length = 255]
        password -> Varchar,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    users (id) {
        id -> Int8,
        #[max_length = 255]
        belongs_to -> Nullable<Varchar>,
        #[max_length = 255]
        name -> Varchar,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    wholesaler_connections (id) {
        id -> Int8,
        employer_id -> Int8,
        employee_id -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
        #[max_length = 16]
        status -> Varchar,
    }
}

diesel::joinable!(alert_settings -> users (user_id));
diesel::joinable!(auction_results -> users (wholesaler_id));
diesel::joinable!(audit_events -> order_sheets (order_sheet_id));
diesel::joinable!(auth_tokens -> users (user_id));
diesel::joinable!(bidding_flowers -> flowers (flower_id));
diesel::joinable!(business_infos -> users (user_id));
diesel::joinable!(cart_items -> flowers (flower_id));
diesel::joinable!(cart_items -> shopping_sessions (session_id));
diesel::joinable!(custom_order_items -> order_sheets (order_sheet_id));
diesel::joinable!(daily_order_items -> flowers (flower_id));
diesel::joinable!(daily_order_items -> users (wholesaler_id));
diesel::joinable!(flower_batch_process_logs -> flower_batch_upload_logs (upload_log_id));
diesel::joinable!(flowers -> flower_colors (flower_color_id));
diesel::joinable!(flowers -> flower_types (flower_type_id));
diesel::joinable!(ledger_entries -> account_statements (account_statement_id));
diesel::joinable!(ledger_entries -> order_sheet_receipts (receipt_id));
diesel::joinable!(ledger_entries -> order_sheets (order_sheet_id));
diesel::joinable!(ledger_entries -> users (recorded_by));
diesel::joinable!(order_change_requests -> order_sheets (order_sheet_id));
diesel::joinable!(order_items -> flowers (flower_id));
diesel::joinable!(order_items -> order_sheets (order_sheet_id));
diesel::joinable!(order_sheet_receipts -> order_sheets (order_sheet_id));
diesel::joinable!(order_sheet_receipts -> users (issued_by));
diesel::joinable!(seal_stamps -> users (user_id));
diesel::joinable!(standing_order_lines -> flowers (flower_id));
diesel::joinable!(standing_order_lines -> standing_orders (standing_order_id));
diesel::joinable!(standing_order_runs -> order_sheets (order_sheet_id));
diesel::joinable!(standing_order_runs -> standing_orders (standing_order_id));
diesel::joinable!(user_credentials -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    account_statements,
    alert_settings,
    auction_grade_map,
    auction_price_board,
    auction_results,
    audit_events,
    auth_tokens,
    batch_cart_to_order_logs,
    bidding_flowers,
    biz_connections,
    business_infos,
    cart_items,
    custom_order_items,
    daily_order_items,
    flower_batch_process_logs,
    flower_batch_upload_logs,
    flower_colors,
    flower_types,
    flowers,
    ledger_accounts,
    ledger_entries,
    notification_outbox,
    order_change_requests,
    order_cutoffs,
    order_items,
    order_sheet_receipts,
    order_sheets,
    phone_proofs,
    public_bidding_flowers,
    rate_limit_windows,
    seal_stamps,
    send_sms_logs,
    shopping_sessions,
    sign_in_throttles,
    sms_verifications,
    standing_order_lines,
    standing_order_runs,
    standing_orders,
    tax_document_numbers,
    user_credentials,
    users,
    wholesaler_connections,
);
