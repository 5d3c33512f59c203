# Nachrichten an Käufer, Deutsch. Beträge und Daten kommen bereits in der Schreibweise des Käufers.

order-confirmed-subject = Ihre Bestellung { $order_no } ist bestätigt
order-confirmed-body =
    Guten Tag { $buyer_name },

    wir haben Ihre Bestellung { $order_no } bestätigt: { $count ->
        [one] ein Artikel
       *[other] { $count } Artikel
    } für { $total }. Sie verlässt unser Lager bis { $dispatch_by }.

    Sobald das Paket an den Versanddienstleister übergeben ist, senden wir Ihnen die Sendungsnummer per E-Mail.

    Die Auftragsbestätigung finden Sie als PDF im Anhang.

    Vielen Dank für Ihre Bestellung.
order-confirmed-sms = Ihre Bestellung { $order_no } ist bestätigt. Die Sendungsnummer folgt beim Versand.

order-on-hold-subject = Ihre Bestellung { $order_no } braucht Ihre Hilfe
order-on-hold-body =
    Guten Tag { $buyer_name },

    bevor wir Ihre Bestellung { $order_no } versenden können, brauchen wir Folgendes:

    { $actions }

    Bitte antworten Sie auf diese E-Mail oder wenden Sie sich an den Shop, in dem Sie bestellt haben. Bis dahin wartet Ihre Bestellung.
order-on-hold-sms = Bevor wir Bestellung { $order_no } versenden, brauchen wir etwas von Ihnen. Bitte sehen Sie in Ihre E-Mails oder fragen Sie den Shop.

hold-action-phone = Senden Sie uns eine Telefonnummer mit Ländervorwahl, unter der der Zusteller Sie erreicht.
hold-action-email = Senden Sie uns eine E-Mail-Adresse, an die wir schreiben können.
hold-action-payment = Schließen Sie die Zahlung Ihrer Bestellung ab.
hold-action-service = Bezahlen Sie die gewählte Versandart oder sagen Sie uns, welche wir stattdessen nehmen sollen.
hold-action-goods = Ein Artikel muss vor dem Versand in Ihr Land geprüft werden; wir melden uns, falls wir etwas brauchen.
hold-action-street = Senden Sie uns Straße und Hausnummer der Lieferadresse.
hold-action-city = Senden Sie uns den Ort der Lieferadresse.
hold-action-region = Senden Sie uns Bundesland, Provinz oder Region der Lieferadresse.
hold-action-postcode = Prüfen Sie die Postleitzahl der Lieferadresse und senden Sie sie uns.
hold-action-stock = Ein Artikel wartet auf Nachschub; wir schreiben wieder, sobald er unterwegs ist, oder Sie stornieren die Bestellung.
hold-action-check = Wir prüfen Ihre Bestellung und melden uns, falls wir etwas brauchen.

order-cancelled-subject = Ihre Bestellung { $order_no } wurde storniert
order-cancelled-body =
    Guten Tag { $buyer_name },

    Ihre Bestellung { $order_no } wurde storniert und wird nicht versandt.

    Wenn Sie bereits bezahlt haben, erstatten wir Ihnen { $total } und schreiben Ihnen, sobald die Erstattung erfolgt ist.

    Wenn Sie das nicht veranlasst haben, antworten Sie bitte auf diese E-Mail.
order-cancelled-sms = Ihre Bestellung { $order_no } wurde storniert. Falls Sie bezahlt haben, folgt die Erstattung.

order-rejected-subject = Wir können Ihre Bestellung { $order_no } nicht versenden
order-rejected-body =
    Guten Tag { $buyer_name },

    es tut uns leid: Wir können Ihre Bestellung { $order_no } nicht annehmen, sie wird nicht versandt.

    Wenn Sie bereits bezahlt haben, erstatten wir Ihnen { $total } und schreiben Ihnen, sobald die Erstattung erfolgt ist.

    Bei Fragen antworten Sie bitte auf diese E-Mail.
order-rejected-sms = Wir können Bestellung { $order_no } nicht versenden. Falls Sie bezahlt haben, folgt die Erstattung; siehe E-Mail.

item-short-subject = Ein Artikel Ihrer Bestellung { $order_no } ist nicht vorrätig
item-short-body =
    Hallo { $buyer_name },

    beim Vorbereiten Ihrer Bestellung { $order_no } haben wir festgestellt, dass uns { $count ->
        [one] ein Stück
       *[other] { $count } Stück
    } von { $item } fehlen.

    Bitte antworten Sie auf diese E-Mail und teilen Sie uns mit, was Sie möchten: einen ähnlichen Artikel, die Stornierung mit voller Erstattung oder das Warten auf neue Ware.
item-short-sms = Bestellung { $order_no }: { $item } ist nicht vorrätig. Bitte sehen Sie in Ihre E-Mail: Tausch, Storno oder warten?

shipped-subject = Ihre Bestellung { $order_no } ist unterwegs
shipped-body =
    Guten Tag { $buyer_name },

    Ihre Bestellung { $order_no } hat unser Lager mit { $carrier } verlassen. Die Sendungsnummer ist { $tracking_no }.

    Hier verfolgen Sie Ihr Paket: { $tracking_url }

    Vielen Dank für Ihre Bestellung.
shipped-sms = Bestellung { $order_no } ist mit { $carrier } unterwegs, Sendungsnummer { $tracking_no }: { $tracking_url }

customs-cleared-subject = Ihre Bestellung { $order_no } ist verzollt
customs-cleared-body =
    Guten Tag { $buyer_name },

    Ihr Paket { $tracking_no } ist verzollt und auf dem Weg zu Ihnen.

    Hier verfolgen Sie Ihr Paket: { $tracking_url }
customs-cleared-sms = Bestellung { $order_no } ist verzollt: { $tracking_url }

out-for-delivery-subject = Ihre Bestellung { $order_no } wird heute zugestellt
out-for-delivery-body =
    Guten Tag { $buyer_name },

    Ihr Paket { $tracking_no } ist heute in der Zustellung. Bitte sorgen Sie dafür, dass jemand es annehmen kann.

    Hier verfolgen Sie Ihr Paket: { $tracking_url }
out-for-delivery-sms = Bestellung { $order_no } wird heute zugestellt: { $tracking_url }

delivered-subject = Ihre Bestellung { $order_no } wurde zugestellt
delivered-body =
    Guten Tag { $buyer_name },

    Ihre Bestellung { $order_no } wurde am { $delivered_on } zugestellt.

    Wenn etwas nicht stimmt, antworten Sie auf diese E-Mail; wir helfen Ihnen.

    Vielen Dank für Ihre Bestellung.
delivered-sms = Bestellung { $order_no } wurde am { $delivered_on } zugestellt. Stimmt etwas nicht? Antworten Sie auf unsere E-Mail.

delayed-subject = Ihre Bestellung { $order_no } verspätet sich
delayed-body =
    Guten Tag { $buyer_name },

    es tut uns leid: Ihre Bestellung { $order_no } braucht länger als geplant. Wir erwarten sie jetzt bis { $new_estimate } bei Ihnen.

    Hier verfolgen Sie Ihr Paket: { $tracking_url }

    Wir schreiben Ihnen wieder, falls sich etwas ändert.
delayed-sms = Bestellung { $order_no } verspätet sich; wir erwarten sie jetzt bis { $new_estimate }. { $tracking_url }

refunded-subject = Ihre Erstattung zu Bestellung { $order_no }
refunded-body =
    Guten Tag { $buyer_name },

    wir haben Ihnen { $amount } für Ihre Bestellung { $order_no } erstattet. Je nach Bank kann es einige Tage dauern, bis der Betrag auf Ihrem Kontoauszug erscheint.
refunded-sms = Wir haben Ihnen { $amount } für Bestellung { $order_no } erstattet.

cannot-serve-subject = Wir können Ihre Bestellung { $order_no } nicht wie geplant ausführen
cannot-serve-body =
    Hallo { $buyer_name },

    es tut uns leid: Wir können Ihre Bestellung { $order_no } nicht wie geplant ausführen ({ $reason }).

    Was wir Ihnen stattdessen anbieten können:
    { $alternatives }

    Oder wir stornieren die Bestellung und erstatten Ihnen den gezahlten Betrag. Bitte sagen Sie uns hier, was Ihnen lieber ist: { $tracking_url }
cannot-serve-sms = Wir können Bestellung { $order_no } nicht wie geplant ausführen ({ $reason }). Wählen Sie eine Alternative oder eine Erstattung: { $tracking_url }

coupon-issued-subject = Ein Gutschein für Sie, zu Bestellung { $order_no }
coupon-issued-body =
    Hallo { $buyer_name },

    es tut uns leid, was mit Ihrer Bestellung { $order_no } geschehen ist. Als Entschuldigung erhalten Sie einen Gutschein über { $amount } für Ihre nächste Bestellung:

    { $code }

    Geben Sie ihn bis { $expires_on } an der Kasse ein.
coupon-issued-sms = Entschuldigung für Bestellung { $order_no }: Gutschein { $code } über { $amount } für Ihre nächste Bestellung, gültig bis { $expires_on }.

satisfaction-survey-subject = Wie war Ihre Bestellung { $order_no }?
satisfaction-survey-body =
    Hallo { $buyer_name },

    Ihre Bestellung { $order_no } ist abgeschlossen. Wie zufrieden sind Sie, von 1 (schlecht) bis 5 (hervorragend)? Ein Klick genügt:

    { $links }

    Vielen Dank, Ihre Antwort hilft uns, besser zu werden.
satisfaction-survey-sms = Wie war Bestellung { $order_no }? Bewerten Sie sie hier von 1 bis 5: { $survey_url }

ticket-ack = Danke für Ihre Nachricht. Sie ist Vorgang { $reference }; wir antworten bis { $due }. Antworten Sie auf diese E-Mail, um etwas zu ergänzen.
ticket-wismo = Hallo { $buyer_name }, Ihre Bestellung { $order_no } { $order_state }. { $estimate_line } Hier können Sie sie jederzeit verfolgen: { $tracking_link }
ticket-state-checking = wird geprüft
ticket-state-preparing = wird in unserem Lager vorbereitet
ticket-state-on_its_way = ist unterwegs
ticket-state-closed = ist abgeschlossen
ticket-estimate-line = Sie sollte bis { $estimate } ankommen.
ticket-estimate-unknown = noch nicht bekannt
ticket-survey = Wie zufrieden waren Sie? Wählen Sie mit einem Klick 1 (schlecht) bis 5 (ausgezeichnet):
    { $links }
ticket-promise = Danke für Ihre Geduld. Wir prüfen das und melden uns bis { $when } wieder bei Ihnen.
