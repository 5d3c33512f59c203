# Mensajes a los compradores, español.
order-confirmed-subject = Su pedido { $order_no } está confirmado
order-confirmed-greeting = Hola, { $buyer_name }:
order-confirmed-body = hemos confirmado su pedido { $order_no }: { $count ->
        [one] un artículo
       *[other] { $count } artículos
    } por { $total }. Saldrá de nuestro almacén antes del { $dispatch_by }.
order-confirmed-tracking = Le enviaremos el número de seguimiento por correo electrónico en cuanto entreguemos el paquete al transportista.
order-confirmed-attachment = Adjuntamos la confirmación del pedido en PDF.
order-confirmed-signature = Gracias por su pedido.

order-confirmed-sms = Su pedido { $order_no } está confirmado. Le enviaremos el número de seguimiento cuando salga.
