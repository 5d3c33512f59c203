# Mensajes a los compradores, español. Importes y fechas llegan ya escritos a la manera del comprador.

order-confirmed-subject = Su pedido { $order_no } está confirmado
order-confirmed-body =
    Hola, { $buyer_name }:

    hemos confirmado su pedido { $order_no }: { $count ->
        [one] un artículo
       *[other] { $count } artículos
    } por { $total }. Saldrá de nuestro almacén antes del { $dispatch_by }.

    Le enviaremos el número de seguimiento por correo electrónico en cuanto entreguemos el paquete al transportista.

    Adjuntamos la confirmación del pedido en PDF.

    Gracias por su pedido.
order-confirmed-sms = Su pedido { $order_no } está confirmado. Le enviaremos el número de seguimiento cuando salga.

order-on-hold-subject = Su pedido { $order_no } necesita su ayuda
order-on-hold-body =
    Hola, { $buyer_name }:

    antes de enviar su pedido { $order_no } necesitamos lo siguiente:

    { $actions }

    Responda a este correo o póngase en contacto con la tienda donde compró. Su pedido esperará hasta entonces.
order-on-hold-sms = Antes de enviar el pedido { $order_no } necesitamos algo de usted. Revise su correo o contacte con la tienda.

hold-action-phone = Envíenos un teléfono al que pueda llamar el transportista, con el prefijo del país.
hold-action-email = Envíenos una dirección de correo electrónico a la que podamos escribir.
hold-action-payment = Complete el pago de su pedido.
hold-action-service = Pague el servicio de entrega que eligió o díganos que usemos otro.
hold-action-goods = Un artículo debe revisarse antes de enviarse a su país; le contactaremos si necesitamos algo.
hold-action-street = Envíenos la calle y el número de la dirección de entrega.
hold-action-city = Envíenos la ciudad de la dirección de entrega.
hold-action-region = Envíenos la provincia, el estado o la región de la dirección de entrega.
hold-action-postcode = Compruebe el código postal de la dirección de entrega y envíenoslo.
hold-action-stock = Un artículo está a la espera de reposición; le escribiremos cuando salga o puede cancelar el pedido.
hold-action-check = Estamos revisando su pedido y le contactaremos si necesitamos algo.

order-cancelled-subject = Su pedido { $order_no } ha sido cancelado
order-cancelled-body =
    Hola, { $buyer_name }:

    su pedido { $order_no } ha sido cancelado y no se enviará.

    Si ya lo ha pagado, le reembolsaremos { $total } y le escribiremos cuando se haya hecho el reembolso.

    Si usted no lo ha pedido, responda a este correo.
order-cancelled-sms = Su pedido { $order_no } ha sido cancelado. Si lo pagó, recibirá el reembolso.

order-rejected-subject = No podemos enviar su pedido { $order_no }
order-rejected-body =
    Hola, { $buyer_name }:

    lo sentimos: no podemos aceptar su pedido { $order_no } y no se enviará.

    Si ya lo ha pagado, le reembolsaremos { $total } y le escribiremos cuando se haya hecho el reembolso.

    Si tiene alguna pregunta, responda a este correo.
order-rejected-sms = No podemos enviar su pedido { $order_no }. Si lo pagó, recibirá el reembolso; vea su correo.

item-short-subject = Un artículo de tu pedido { $order_no } está agotado
item-short-body =
    Hola { $buyer_name }:

    al preparar tu pedido { $order_no } hemos visto que nos faltan { $count ->
        [one] una unidad
       *[other] { $count } unidades
    } de { $item }.

    Responde a este correo y dinos qué prefieres: un artículo similar, cancelar el pedido con reembolso completo o esperar a que llegue nuevo stock.
item-short-sms = Pedido { $order_no }: { $item } está agotado. Mira tu correo y dinos si prefieres cambio, cancelación o esperar.

shipped-subject = Su pedido { $order_no } está en camino
shipped-body =
    Hola, { $buyer_name }:

    su pedido { $order_no } ha salido de nuestro almacén con { $carrier }. El número de seguimiento es { $tracking_no }.

    Siga su paquete aquí: { $tracking_url }

    Gracias por su pedido.
shipped-sms = El pedido { $order_no } ha salido con { $carrier }, seguimiento { $tracking_no }: { $tracking_url }

customs-cleared-subject = Su pedido { $order_no } ha pasado la aduana
customs-cleared-body =
    Hola, { $buyer_name }:

    su paquete { $tracking_no } ha pasado la aduana y va de camino hacia usted.

    Siga su paquete aquí: { $tracking_url }
customs-cleared-sms = El pedido { $order_no } ha pasado la aduana: { $tracking_url }

out-for-delivery-subject = Su pedido { $order_no } se entrega hoy
out-for-delivery-body =
    Hola, { $buyer_name }:

    su paquete { $tracking_no } está en reparto hoy. Asegúrese de que alguien pueda recibirlo.

    Siga su paquete aquí: { $tracking_url }
out-for-delivery-sms = El pedido { $order_no } está en reparto hoy: { $tracking_url }

delivered-subject = Su pedido { $order_no } ha sido entregado
delivered-body =
    Hola, { $buyer_name }:

    su pedido { $order_no } se entregó el { $delivered_on }.

    Si algo no está bien, responda a este correo y le ayudaremos.

    Gracias por su pedido.
delivered-sms = El pedido { $order_no } se entregó el { $delivered_on }. ¿Algún problema? Responda a nuestro correo.

delayed-subject = Su pedido { $order_no } llega con retraso
delayed-body =
    Hola, { $buyer_name }:

    lo sentimos: su pedido { $order_no } está tardando más de lo previsto. Ahora esperamos que llegue antes del { $new_estimate }.

    Siga su paquete aquí: { $tracking_url }

    Le escribiremos de nuevo si algo cambia.
delayed-sms = El pedido { $order_no } se retrasa; ahora lo esperamos antes del { $new_estimate }. { $tracking_url }

refunded-subject = Reembolso de su pedido { $order_no }
refunded-body =
    Hola, { $buyer_name }:

    le hemos reembolsado { $amount } por su pedido { $order_no }. Según su banco, puede tardar unos días en aparecer en su extracto.
refunded-sms = Le hemos reembolsado { $amount } por el pedido { $order_no }.

cannot-serve-subject = No podemos completar su pedido { $order_no } según lo previsto
cannot-serve-body =
    Hola, { $buyer_name }:

    lo sentimos: no podemos completar su pedido { $order_no } según lo previsto ({ $reason }).

    Lo que podemos ofrecerle en su lugar:
    { $alternatives }

    O cancelamos el pedido y le reembolsamos lo que pagó. Díganos qué prefiere aquí: { $tracking_url }
cannot-serve-sms = No podemos completar el pedido { $order_no } según lo previsto ({ $reason }). Elija una alternativa o un reembolso: { $tracking_url }

coupon-issued-subject = Un cupón para usted, por el pedido { $order_no }
coupon-issued-body =
    Hola, { $buyer_name }:

    sentimos lo ocurrido con su pedido { $order_no }. Como disculpa, aquí tiene un cupón de { $amount } para su próximo pedido:

    { $code }

    Introdúzcalo al pagar antes del { $expires_on }.
coupon-issued-sms = Disculpe lo del pedido { $order_no }: el cupón { $code } vale { $amount } en su próximo pedido, hasta el { $expires_on }.

satisfaction-survey-subject = ¿Qué tal su pedido { $order_no }?
satisfaction-survey-body =
    Hola, { $buyer_name }:

    su pedido { $order_no } se ha completado. ¿Qué tan satisfecho está, de 1 (mal) a 5 (excelente)? Basta con un clic:

    { $links }

    Gracias; su respuesta nos ayuda a mejorar.
satisfaction-survey-sms = ¿Qué tal el pedido { $order_no }? Puntúelo de 1 a 5 aquí: { $survey_url }

ticket-ack = Gracias por escribirnos. Su mensaje es el caso { $reference }; le responderemos antes del { $due }. Responda a este correo para añadir algo.
ticket-wismo = Hola { $buyer_name }, su pedido { $order_no } { $order_state }. { $estimate_line } Puede seguirlo en todo momento aquí: { $tracking_link }
ticket-state-checking = se está revisando
ticket-state-preparing = se está preparando en nuestro almacén
ticket-state-on_its_way = está en camino
ticket-state-closed = está cerrado
ticket-estimate-line = Debería llegar antes del { $estimate }.
ticket-estimate-unknown = aún no se sabe
ticket-survey = ¿Qué tal lo hicimos? Elija una puntuación de 1 (mala) a 5 (excelente) con un clic:
    { $links }
ticket-promise = Gracias por su paciencia. Lo estamos revisando y le escribiremos de nuevo antes del { $when }.
