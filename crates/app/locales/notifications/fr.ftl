# Messages aux acheteurs, français.
order-confirmed-subject = Votre commande { $order_no } est confirmée
order-confirmed-greeting = Bonjour { $buyer_name },
order-confirmed-body = nous avons confirmé votre commande { $order_no } : { $count ->
        [one] un article
       *[other] { $count } articles
    } pour { $total }. Elle quittera notre entrepôt avant le { $dispatch_by }.
order-confirmed-tracking = Nous vous enverrons le numéro de suivi par e-mail dès que le colis sera remis au transporteur.
order-confirmed-attachment = La confirmation de commande est jointe au format PDF.
order-confirmed-signature = Merci pour votre commande.

order-confirmed-sms = Votre commande { $order_no } est confirmée. Nous vous enverrons le numéro de suivi à l'expédition.
