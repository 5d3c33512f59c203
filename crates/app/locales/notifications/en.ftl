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
