# Messages aux acheteurs, français. Montants et dates arrivent déjà écrits à la manière de l'acheteur.

order-confirmed-subject = Votre commande { $order_no } est confirmée
order-confirmed-body =
    Bonjour { $buyer_name },

    nous avons confirmé votre commande { $order_no } : { $count ->
        [one] un article
       *[other] { $count } articles
    } pour { $total }. Elle quittera notre entrepôt avant le { $dispatch_by }.

    Nous vous enverrons le numéro de suivi par e-mail dès que le colis sera remis au transporteur.

    La confirmation de commande est jointe au format PDF.

    Merci pour votre commande.
order-confirmed-sms = Votre commande { $order_no } est confirmée. Nous vous enverrons le numéro de suivi à l'expédition.

order-on-hold-subject = Votre commande { $order_no } a besoin de vous
order-on-hold-body =
    Bonjour { $buyer_name },

    avant d'expédier votre commande { $order_no }, nous avons besoin de ceci :

    { $actions }

    Répondez à cet e-mail ou contactez la boutique où vous avez commandé. Votre commande attend jusque-là.
order-on-hold-sms = Avant d'expédier la commande { $order_no }, il nous faut une information. Consultez vos e-mails ou contactez la boutique.

hold-action-phone = Envoyez-nous un numéro de téléphone joignable par le transporteur, avec l'indicatif du pays.
hold-action-email = Envoyez-nous une adresse e-mail à laquelle vous écrire.
hold-action-payment = Finalisez le paiement de votre commande.
hold-action-service = Payez le mode de livraison choisi, ou dites-nous lequel utiliser à la place.
hold-action-goods = Un article doit être vérifié avant d'être envoyé dans votre pays ; nous vous contacterons si nécessaire.
hold-action-street = Envoyez-nous le numéro et la rue de l'adresse de livraison.
hold-action-city = Envoyez-nous la ville de l'adresse de livraison.
hold-action-region = Envoyez-nous l'État, la province ou la région de l'adresse de livraison.
hold-action-postcode = Vérifiez le code postal de l'adresse de livraison et envoyez-le-nous.
hold-action-stock = Un article attend un réassort ; nous vous écrirons à son expédition, ou vous pouvez annuler la commande.
hold-action-check = Nous vérifions votre commande et vous contacterons si nécessaire.

order-cancelled-subject = Votre commande { $order_no } a été annulée
order-cancelled-body =
    Bonjour { $buyer_name },

    votre commande { $order_no } a été annulée et ne sera pas expédiée.

    Si vous l'avez payée, nous vous rembourserons { $total } et vous écrirons une fois le remboursement effectué.

    Si vous n'avez rien demandé, répondez à cet e-mail.
order-cancelled-sms = Votre commande { $order_no } a été annulée. Si vous avez payé, le remboursement suivra.

order-rejected-subject = Nous ne pouvons pas expédier votre commande { $order_no }
order-rejected-body =
    Bonjour { $buyer_name },

    nous sommes désolés : nous ne pouvons pas accepter votre commande { $order_no }, elle ne sera pas expédiée.

    Si vous l'avez payée, nous vous rembourserons { $total } et vous écrirons une fois le remboursement effectué.

    Pour toute question, répondez à cet e-mail.
order-rejected-sms = Nous ne pouvons pas expédier la commande { $order_no }. Si vous avez payé, le remboursement suivra ; voir votre e-mail.

item-short-subject = Un article de votre commande { $order_no } est en rupture de stock
item-short-body =
    Bonjour { $buyer_name },

    en préparant votre commande { $order_no }, nous avons constaté qu'il nous manque { $count ->
        [one] une unité
       *[other] { $count } unités
    } de { $item }.

    Répondez à cet e-mail pour nous dire ce que vous préférez : un article similaire, l'annulation de la commande avec remboursement intégral, ou attendre le réassort.
item-short-sms = Commande { $order_no } : { $item } est en rupture. Consultez votre e-mail et dites-nous : échange, annulation ou attente.

shipped-subject = Votre commande { $order_no } est en route
shipped-body =
    Bonjour { $buyer_name },

    votre commande { $order_no } a quitté notre entrepôt avec { $carrier }. Le numéro de suivi est { $tracking_no }.

    Suivez votre colis ici : { $tracking_url }

    Merci pour votre commande.
shipped-sms = Commande { $order_no } expédiée avec { $carrier }, suivi { $tracking_no } : { $tracking_url }

customs-cleared-subject = Votre commande { $order_no } a passé la douane
customs-cleared-body =
    Bonjour { $buyer_name },

    votre colis { $tracking_no } a passé la douane et est en route vers vous.

    Suivez votre colis ici : { $tracking_url }
customs-cleared-sms = Commande { $order_no } dédouanée : { $tracking_url }

out-for-delivery-subject = Votre commande { $order_no } est livrée aujourd'hui
out-for-delivery-body =
    Bonjour { $buyer_name },

    votre colis { $tracking_no } est en cours de livraison aujourd'hui. Veillez à ce que quelqu'un puisse le recevoir.

    Suivez votre colis ici : { $tracking_url }
out-for-delivery-sms = Commande { $order_no } en livraison aujourd'hui : { $tracking_url }

delivered-subject = Votre commande { $order_no } a été livrée
delivered-body =
    Bonjour { $buyer_name },

    votre commande { $order_no } a été livrée le { $delivered_on }.

    Si quelque chose ne va pas, répondez à cet e-mail et nous vous aiderons.

    Merci pour votre commande.
delivered-sms = Commande { $order_no } livrée le { $delivered_on }. Un souci ? Répondez à notre e-mail.

delayed-subject = Votre commande { $order_no } est retardée
delayed-body =
    Bonjour { $buyer_name },

    nous sommes désolés : votre commande { $order_no } prend plus de temps que prévu. Nous l'attendons désormais chez vous avant le { $new_estimate }.

    Suivez votre colis ici : { $tracking_url }

    Nous vous écrirons de nouveau si quelque chose change.
delayed-sms = Commande { $order_no } retardée ; nous l'attendons avant le { $new_estimate }. { $tracking_url }

refunded-subject = Votre remboursement pour la commande { $order_no }
refunded-body =
    Bonjour { $buyer_name },

    nous vous avons remboursé { $amount } pour votre commande { $order_no }. Selon votre banque, il peut falloir quelques jours pour qu'il apparaisse sur votre relevé.
refunded-sms = Nous vous avons remboursé { $amount } pour la commande { $order_no }.

cannot-serve-subject = Nous ne pouvons pas honorer votre commande { $order_no } comme prévu
cannot-serve-body =
    Bonjour { $buyer_name },

    nous sommes désolés : nous ne pouvons pas honorer votre commande { $order_no } comme prévu ({ $reason }).

    Ce que nous pouvons vous proposer à la place :
    { $alternatives }

    Ou nous annulons la commande et vous remboursons ce que vous avez payé. Dites-nous ce que vous préférez ici : { $tracking_url }
cannot-serve-sms = Nous ne pouvons pas honorer la commande { $order_no } comme prévu ({ $reason }). Choisissez une alternative ou un remboursement : { $tracking_url }

coupon-issued-subject = Un bon de réduction pour vous, au sujet de la commande { $order_no }
coupon-issued-body =
    Bonjour { $buyer_name },

    nous sommes désolés pour votre commande { $order_no }. En guise d'excuse, voici un bon de { $amount } pour votre prochaine commande :

    { $code }

    Saisissez-le lors du paiement avant le { $expires_on }.
coupon-issued-sms = Désolés pour la commande { $order_no } : le bon { $code } vaut { $amount } sur votre prochaine commande, jusqu'au { $expires_on }.

satisfaction-survey-subject = Comment s'est passée votre commande { $order_no } ?
satisfaction-survey-body =
    Bonjour { $buyer_name },

    votre commande { $order_no } est terminée. Êtes-vous satisfait, de 1 (mauvais) à 5 (excellent) ? Un clic suffit :

    { $links }

    Merci, votre réponse nous aide à progresser.
satisfaction-survey-sms = Comment s'est passée la commande { $order_no } ? Notez-la de 1 à 5 ici : { $survey_url }

ticket-ack = Merci de nous avoir écrit. Votre message est le dossier { $reference } ; nous répondrons avant le { $due }. Répondez à cet e-mail pour ajouter quelque chose.
ticket-wismo = Bonjour { $buyer_name }, votre commande { $order_no } { $order_state }. { $estimate_line } Vous pouvez la suivre à tout moment ici : { $tracking_link }
ticket-state-checking = est en cours de vérification
ticket-state-preparing = est en préparation dans notre entrepôt
ticket-state-on_its_way = est en route
ticket-state-closed = est clôturée
ticket-estimate-line = Elle devrait arriver avant le { $estimate }.
ticket-estimate-unknown = pas encore connue
ticket-survey = Comment avons-nous fait ? Choisissez une note de 1 (mauvais) à 5 (excellent) en un clic :
    { $links }
ticket-promise = Merci de votre patience. Nous examinons la question et vous réécrirons avant le { $when }.
