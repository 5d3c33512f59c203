# English UI strings in Fluent (https://projectfluent.org/): one message per key;
# { $name } is a value filled in by the code. Keys are the code's dotted keys with - for the dots.
lang-switch = 中文
nav-logout = Sign out
nav-later = Arrives with a later release
nav-dashboard = Dashboard
nav-orders = Orders
nav-inventory = Inventory
nav-warehouse = Warehouse
nav-shipping = Shipping
nav-aftersales = After-sales
nav-service = Service
nav-reports = Reports
nav-settings = Settings
role-admin = Administrator
role-order_manager = Order manager
role-reviewer = Reviewer
role-warehouse = Warehouse
role-logistics = Logistics
role-customer_service = Customer service
role-finance = Finance
role-supervisor = Supervisor
role-merchant = Merchant
login-title = Sign in
login-email = E-mail
login-password = Password
login-submit = Sign in
login-bad_credentials = Sign-in failed: the e-mail or the password is wrong.
login-throttled = Too many failed sign-ins for this account. Try again in { $minutes ->
        [one] one minute
       *[other] { $minutes } minutes
    }.
login-csrf = This form has expired. Reload the page and sign in again.
dashboard-title = Dashboard
dashboard-operator = Operator
dashboard-timezone = Time zone
dashboard-merchants = Merchants
dashboard-users = Users
dashboard-api_keys = Active API keys
dashboard-welcome = Warehouse, shipping and after-sales figures appear here as those parts are switched on.
users-title = Users
users-email = E-mail
users-name = Name
users-role = Role
users-tenant = Tenant
users-status = Status
users-active = Active
users-inactive = Deactivated
users-activate = Activate
users-deactivate = Deactivate
users-new = New user
users-password = Password (at least 10 characters)
users-create = Create user
users-created = User created.
keys-title = API keys
keys-name = Name
keys-prefix = Key starts with
keys-last_used = Last used
keys-never = never
keys-revoked = Revoked
keys-revoke = Revoke
keys-new = New API key
keys-create = Create key
keys-shown_once = Copy this key now: it is shown only once.
settings-title = Settings
settings-default_locale = Default language
settings-session_hours = Session length (hours)
settings-login_max_failures = Failed sign-ins before throttling
settings-login_window_minutes = Throttling window (minutes)
settings-save = Save settings
settings-saved = Settings saved.
error-not_found_title = Not found
error-not_found = There is nothing at this address, or you may not see it.
error-forbidden_title = Not allowed
error-csrf = This form has expired. Go back, reload the page and try again.
orders-title = Orders
orders-all = All orders
orders-queue_first = First review
orders-queue_second = Second review
orders-queue_hold = On hold
orders-new = New order
orders-search = Order no., buyer, e-mail, channel id
orders-any_status = Any status
orders-channel = Channel
orders-country = Country
orders-filter = Filter
orders-export = Export CSV
orders-bulk_approve = Approve selected
orders-number = Order
orders-buyer = Buyer
orders-total = Total
orders-status = Status
orders-stock = Stock
orders-reason = Reason
orders-approve = Approve
orders-reject = Reject
orders-hold = Hold
orders-release_hold = Release hold
orders-none = No orders here.
orders-next_page = Next page
orders-order = Order
orders-confirmation = Confirmation
orders-holds = Waiting for:
orders-item = Item
orders-quantity = Quantity
orders-unit_price = Unit price
orders-subtotal = Subtotal
orders-discounts = Discounts
orders-shipping = Shipping
orders-paid = Paid
orders-ship_to = Ship to
orders-service = Service
orders-remarks = Remarks
orders-timeline = Timeline
sla-title = Time limits
sla-step = Step
sla-due = Due
sla-done = Done
sla-running = running
sla-paused = paused (on hold)
sla-late_by = { $minutes ->
        [one] one minute late
       *[other] { $minutes } minutes late
    }
sla-first_review = First review
sla-second_review = Second review
sla-confirmation = Confirmation
orders-act = Review
orders-warehouse = Warehouse
orders-automatic = Automatic
orders-confirm = Confirm
orders-cancel = Cancel order
orders-confirmed_at = Confirmed
orders-dispatch_by = Estimated dispatch by
orders-merchant = Merchant
orders-channel_order_id = Channel order id
orders-phone = Phone
orders-language = Buyer's language
orders-address_line1 = Street and number
orders-address_line2 = Address line 2
orders-city = City
orders-state = State / province
orders-postcode = Postcode
orders-unit_price_minor = unit price (minor units)
orders-shipping_minor = Shipping fee (minor units, e.g. 800 = 8.00)
orders-currency = Currency
orders-total_minor = Total (minor units)
orders-paid_minor = Paid (minor units)
orders-payment_method = Payment method
orders-payment_status = Payment status
orders-urgent = Urgent
orders-create = Enter order
orders-created = Order entered.
orders-done = Done.
orders-bulk_done = { $count ->
        [0] No order was approved.
        [one] One order approved.
       *[other] { $count } orders approved.
    }
status-on_hold = On hold
status-pending_review = Awaiting first review
status-pending_second_review = Awaiting second review
status-approved = Approved
status-confirmed = Confirmed
status-rejected = Rejected
status-cancelled = Cancelled
inventory-title = Inventory
inventory-stock = Stock by warehouse
inventory-on_hand = On hand
inventory-reserved = Reserved
inventory-available = Available
inventory-traits = Traits
inventory-warehouses = Warehouses
inventory-adjust = Adjust stock
inventory-delta = Units to add (negative to remove)
inventory-save = Save
inventory-import = Import SKUs from CSV
inventory-import_button = Import
inventory-saved = Stock adjusted.
inventory-imported = { $count ->
        [one] One SKU saved.
       *[other] { $count } SKUs saved.
    }
dashboard-orders = Orders by status
settings-second_review_threshold = Second review at or above, other currencies (minor units)
settings-second_review_thresholds = Second review at or above, per currency (CODE=minor units, comma-separated)
settings-auto_approve = Approve paid, valid orders below the threshold automatically
settings-auto_confirm = Confirm automatically approved orders at once
settings-allocation_policy = When no warehouse has everything
settings-shortage_policy = When stock is short
settings-service_levels = Service levels
settings-service_levels_hint = The least shipping fee a buyer must have paid for each service, in minor units (1999 = 19.99); per currency where it differs. Special services need a second review. Clear a code to remove its level; fill the empty row to add one.
settings-level_code = Code
settings-level_fee = Least fee (other currencies)
settings-level_fees = Least fee per currency
settings-level_special = Special (second review)
settings-level_new = new level
nav-time_limits = Time limits
sla-sweeps = Follow-up reports
sla-no_sweeps = No follow-up check has run yet: they run at the times below.
sla-overdue_count = { $count ->
        [one] one overdue step
       *[other] { $count } overdue steps
    }
sla-unallocated = Orders not in a warehouse yet
sla-department-order_management = Order management
sla-department-warehouse = Warehouse
sla-department-logistics = Logistics
sla-department-customer_service = Customer service
sla-action = What was done
sla-promise = New promise (local time)
sla-record = Record
sla-follow_up_saved = Follow-up recorded. New promise:
sla-schedule = When the follow-up checks run
sla-place = Place
sla-timezone = Time zone
sla-next_sweep = Next check (local time)
sla-cron = Times (cron: minute hour day month weekday)
sla-times_saved = The check times are saved.
sla-calendar = Working calendar (review steps)
sla-no_calendar = No working calendar yet: the review steps count in wall-clock time.
sla-closed_days = Closed days (one per line: date,name)
sla-calendar_saved = The working calendar is saved; new clocks count in it.
sla-import = Import closed days
sla-format = Format
sla-file = File contents
sla-import_button = Import
sla-imported = { $count ->
        [one] One closed day added.
       *[other] { $count } closed days added.
    }
sla-skipped = Left out
sla-day-monday = Monday
sla-day-tuesday = Tuesday
sla-day-wednesday = Wednesday
sla-day-thursday = Thursday
sla-day-friday = Friday
sla-day-saturday = Saturday
sla-day-sunday = Sunday
sla-limits = Step limits
sla-minutes = Minutes
sla-urgent_minutes = Urgent order (minutes)
sla-working_time = In working time
sla-limits_hint = A change applies to clocks that start after it; running clocks keep their limit. Steps in working time count in the working calendar below, when there is one.
sla-limits_saved = The step limits are saved: new clocks use them, running clocks keep theirs.
