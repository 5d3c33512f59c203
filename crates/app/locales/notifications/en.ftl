# Messages to buyers, English. { $name } values are filled in by Tradeport.
order-confirmed-subject = Your order { $order_no } is confirmed
order-confirmed-greeting = Hello { $buyer_name },
order-confirmed-body = we have confirmed your order { $order_no }: { $count ->
        [one] one item
       *[other] { $count } items
    } for { $total }. It will leave our warehouse by { $dispatch_by }.
order-confirmed-tracking = We will e-mail you the tracking number as soon as the parcel is handed to the carrier.
order-confirmed-attachment = Your order confirmation is attached as a PDF.
order-confirmed-signature = Thank you for your order.

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

order-confirmed-sms = Your order { $order_no } is confirmed. We will send the tracking number when it ships.
