# Nachrichten an Käufer, Deutsch.
order-confirmed-subject = Ihre Bestellung { $order_no } ist bestätigt
order-confirmed-greeting = Guten Tag { $buyer_name },
order-confirmed-body = wir haben Ihre Bestellung { $order_no } bestätigt: { $count ->
        [one] ein Artikel
       *[other] { $count } Artikel
    } für { $total }. Sie verlässt unser Lager bis { $dispatch_by }.
order-confirmed-tracking = Sobald das Paket an den Versanddienstleister übergeben ist, senden wir Ihnen die Sendungsnummer per E-Mail.
order-confirmed-attachment = Die Auftragsbestätigung finden Sie als PDF im Anhang.
order-confirmed-signature = Vielen Dank für Ihre Bestellung.

order-confirmed-sms = Ihre Bestellung { $order_no } ist bestätigt. Die Sendungsnummer folgt beim Versand.
