# Messages to buyers, English (the fallback). { $name } values are filled in by Tradeport:
# money and dates come already written the buyer's way. Each message has a subject, an e-mail
# body (paragraphs split by blank lines) and a text message; operators may reword any of them
# on the Notifications page.

order-confirmed-subject = Your order { $order_no } is confirmed
order-confirmed-body =
    Hello { $buyer_name },

    we have confirmed your order { $order_no }: { $count ->
        [one] one item
       *[other] { $count } items
    } for { $total }. It will leave our warehouse by { $dispatch_by }.

    We will e-mail you the tracking number as soon as the parcel is handed to the carrier.

    Your order confirmation is attached as a PDF.

    Thank you for your order.
order-confirmed-sms = Your order { $order_no } is confirmed. We will send the tracking number when it ships.

order-on-hold-subject = Your order { $order_no } needs your help
order-on-hold-body =
    Hello { $buyer_name },

    before we can send your order { $order_no }, we need the following:

    { $actions }

    Please reply to this e-mail, or contact the shop you bought from. Your order waits until then.
order-on-hold-sms = Before we can send order { $order_no } we need something from you. Please check your e-mail or contact the shop.

hold-action-phone = Send us a phone number the carrier can call, with the country code.
hold-action-email = Send us an e-mail address we can write to.
hold-action-payment = Complete the payment of your order.
hold-action-service = Pay for the delivery service you chose, or tell us to use another.
hold-action-goods = One item needs a check before it may be sent to your country; we will contact you if we need anything.
hold-action-street = Send us the street and house number of the delivery address.
hold-action-city = Send us the city of the delivery address.
hold-action-region = Send us the state, province or region of the delivery address.
hold-action-postcode = Check the postcode of the delivery address and send it to us.
hold-action-stock = An item is waiting for new stock; we will write again when it is on its way, or you may cancel the order.
hold-action-check = We are checking your order and will contact you if we need anything.

order-cancelled-subject = Your order { $order_no } has been cancelled
order-cancelled-body =
    Hello { $buyer_name },

    your order { $order_no } has been cancelled and will not be sent.

    If you have paid for it, we will refund { $total } and write again when the refund is made.

    If you did not ask for this, please reply to this e-mail.
order-cancelled-sms = Your order { $order_no } has been cancelled. If you paid, the refund will follow.

order-rejected-subject = We cannot send your order { $order_no }
order-rejected-body =
    Hello { $buyer_name },

    we are sorry: we cannot accept your order { $order_no }, and it will not be sent.

    If you have paid for it, we will refund { $total } and write again when the refund is made.

    If you have a question, please reply to this e-mail.
order-rejected-sms = We cannot send your order { $order_no }. If you paid, the refund will follow; see your e-mail.

item-short-subject = An item of your order { $order_no } is out of stock
item-short-body =
    Hello { $buyer_name },

    while preparing your order { $order_no } we found we are short of { $count ->
        [one] one unit
       *[other] { $count } units
    } of { $item }.

    Please reply to this e-mail and tell us what you would like: a similar item instead, to cancel the order with a full refund, or to wait until new stock arrives.
item-short-sms = Order { $order_no }: { $item } is out of stock. Please see your e-mail and tell us whether to swap it, cancel or wait.

shipped-subject = Your order { $order_no } is on its way
shipped-body =
    Hello { $buyer_name },

    your order { $order_no } has left our warehouse with { $carrier }. The tracking number is { $tracking_no }.

    Follow your parcel here: { $tracking_url }

    Thank you for your order.
shipped-sms = Order { $order_no } has shipped with { $carrier }, tracking number { $tracking_no }: { $tracking_url }

customs-cleared-subject = Your order { $order_no } has cleared customs
customs-cleared-body =
    Hello { $buyer_name },

    your parcel { $tracking_no } has cleared customs and is on its way to you.

    Follow your parcel here: { $tracking_url }
customs-cleared-sms = Order { $order_no } has cleared customs: { $tracking_url }

out-for-delivery-subject = Your order { $order_no } will be delivered today
out-for-delivery-body =
    Hello { $buyer_name },

    your parcel { $tracking_no } is out for delivery today. Please make sure someone can receive it.

    Follow your parcel here: { $tracking_url }
out-for-delivery-sms = Order { $order_no } is out for delivery today: { $tracking_url }

delivered-subject = Your order { $order_no } has been delivered
delivered-body =
    Hello { $buyer_name },

    your order { $order_no } was delivered on { $delivered_on }.

    If anything is wrong with it, reply to this e-mail and we will help.

    Thank you for your order.
delivered-sms = Order { $order_no } was delivered on { $delivered_on }. Anything wrong? Reply to our e-mail.

delayed-subject = Your order { $order_no } is delayed
delayed-body =
    Hello { $buyer_name },

    we are sorry: your order { $order_no } is taking longer than planned. We now expect it to reach you by { $new_estimate }.

    Follow your parcel here: { $tracking_url }

    We will write again if anything changes.
delayed-sms = Order { $order_no } is delayed; we now expect it by { $new_estimate }. { $tracking_url }

refunded-subject = Your refund for order { $order_no }
refunded-body =
    Hello { $buyer_name },

    we have refunded { $amount } for your order { $order_no }. Depending on your bank, it may take a few days to show on your statement.
refunded-sms = We have refunded { $amount } for order { $order_no }.

# Messages to staff (SLA-2), in the operator's language (English or Chinese).
sla-overdue-subject = { $count ->
        [one] One overdue step
       *[other] { $count } overdue steps
    } for { $department } at { $place }
sla-overdue-body = At today's follow-up check, { $department } has { $count ->
        [one] one step
       *[other] { $count } steps
    } past its time limit at { $place }.
sla-overdue-orders = Orders: { $orders }
sla-overdue-action = Open the follow-up report in Tradeport, act on each order and record what you did and the new promise.
department-order_management = Order management
department-warehouse = Warehouse
department-logistics = Logistics
department-customer_service = Customer service
sla-place-unallocated = orders not in a warehouse yet

# The monthly supervision report (KPI-1), to the supervision group.
supervision-report-subject = Supervision report { $month }
supervision-report-body = The supervision report for { $month } is filed: timeliness { $timeliness }, satisfaction { $satisfaction }, { $missed } KPIs off target.
supervision-report-action = The PDF is attached; the workbook and every earlier month are under Reports in Tradeport.

cannot-serve-subject = We cannot fulfil your order { $order_no } as planned
cannot-serve-body =
    Hello { $buyer_name },

    we are sorry: we cannot fulfil your order { $order_no } as planned ({ $reason }).

    What we can offer instead:
    { $alternatives }

    Or we cancel the order and refund what you paid. Please tell us what you prefer here: { $tracking_url }
cannot-serve-sms = We cannot fulfil order { $order_no } as planned ({ $reason }). Choose an alternative or a refund: { $tracking_url }

coupon-issued-subject = A coupon for you, about order { $order_no }
coupon-issued-body =
    Hello { $buyer_name },

    we are sorry about your order { $order_no }. As an apology, here is a coupon worth { $amount } for your next order with us:

    { $code }

    Enter it at checkout by { $expires_on }.
coupon-issued-sms = Sorry about order { $order_no }: coupon { $code } is worth { $amount } on your next order, until { $expires_on }.

satisfaction-survey-subject = How was your order { $order_no }?
satisfaction-survey-body =
    Hello { $buyer_name },

    your order { $order_no } is complete. How satisfied are you with it, from 1 (poor) to 5 (excellent)? One click is enough:

    { $links }

    Thank you, your answer helps us do better.
satisfaction-survey-sms = How was order { $order_no }? Score it 1 to 5 here: { $survey_url }

ticket-ack = Thank you for writing. Your message is ticket { $reference }; we will answer by { $due }. Reply to this e-mail to add anything.
ticket-wismo = Hello { $buyer_name }, your order { $order_no } { $order_state }. { $estimate_line } You can follow it at any time here: { $tracking_link }
ticket-state-checking = is being checked
ticket-state-preparing = is being prepared in our warehouse
ticket-state-on_its_way = is on its way
ticket-state-closed = is closed
ticket-estimate-line = It should arrive by { $estimate }.
ticket-estimate-unknown = not known yet
ticket-survey = How did we do? Choose a score from 1 (poor) to 5 (excellent) with one click:
    { $links }
ticket-promise = Thank you for your patience. We are looking into this and will write to you again by { $when }.
