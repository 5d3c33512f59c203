# 購入者へのメッセージ、日本語。
order-confirmed-subject = ご注文 { $order_no } を確定しました
order-confirmed-greeting = { $buyer_name } 様
order-confirmed-body = ご注文 { $order_no }（商品 { $count } 点、合計 { $total }）を確定しました。{ $dispatch_by } までに倉庫から発送いたします。
order-confirmed-tracking = 荷物を配送業者に引き渡しましたら、追跡番号をメールでお知らせします。
order-confirmed-attachment = 注文確認書を PDF で添付しております。
order-confirmed-signature = ご注文ありがとうございます。

order-confirmed-sms = ご注文 { $order_no } を承りました。発送時に追跡番号をお送りします。
