# 購入者へのメッセージ、日本語。金額と日付は購入者の書き方で渡されます。

order-confirmed-subject = ご注文 { $order_no } を確定しました
order-confirmed-body =
    { $buyer_name } 様

    ご注文 { $order_no }（商品 { $count } 点、合計 { $total }）を確定しました。{ $dispatch_by } までに倉庫から発送いたします。

    荷物を配送業者に引き渡しましたら、追跡番号をメールでお知らせします。

    注文確認書を PDF で添付しております。

    ご注文ありがとうございます。
order-confirmed-sms = ご注文 { $order_no } を承りました。発送時に追跡番号をお送りします。

order-on-hold-subject = ご注文 { $order_no } についてご協力のお願い
order-on-hold-body =
    { $buyer_name } 様

    ご注文 { $order_no } を発送する前に、次の点についてご対応をお願いいたします。

    { $actions }

    このメールにご返信いただくか、ご購入のショップにお問い合わせください。それまでご注文は保留となります。
order-on-hold-sms = ご注文 { $order_no } の発送前にご確認いただきたいことがあります。メールをご確認いただくか、ショップにお問い合わせください。

hold-action-phone = 配送業者が連絡できる電話番号を国番号付きでお知らせください。
hold-action-email = 連絡可能なメールアドレスをお知らせください。
hold-action-payment = ご注文のお支払いを完了してください。
hold-action-service = お選びの配送サービスの料金をお支払いいただくか、別のサービスをご指定ください。
hold-action-goods = 一部の商品はお届け先の国へ発送する前に確認が必要です。必要な場合はご連絡いたします。
hold-action-street = お届け先住所の番地・建物名をお知らせください。
hold-action-city = お届け先住所の市区町村をお知らせください。
hold-action-region = お届け先住所の都道府県・州・地域をお知らせください。
hold-action-postcode = お届け先住所の郵便番号をご確認のうえお知らせください。
hold-action-stock = 一部の商品が入荷待ちです。発送時に改めてご連絡します。ご注文のキャンセルも可能です。
hold-action-check = ご注文を確認しております。必要な場合はご連絡いたします。

order-cancelled-subject = ご注文 { $order_no } はキャンセルされました
order-cancelled-body =
    { $buyer_name } 様

    ご注文 { $order_no } はキャンセルされ、発送されません。

    お支払い済みの場合は { $total } を返金し、返金完了後に改めてご連絡いたします。

    お心当たりのない場合は、このメールにご返信ください。
order-cancelled-sms = ご注文 { $order_no } はキャンセルされました。お支払い済みの場合は返金いたします。

order-rejected-subject = ご注文 { $order_no } をお届けできません
order-rejected-body =
    { $buyer_name } 様

    申し訳ございません。ご注文 { $order_no } はお受けできず、発送されません。

    お支払い済みの場合は { $total } を返金し、返金完了後に改めてご連絡いたします。

    ご不明な点がございましたら、このメールにご返信ください。
order-rejected-sms = ご注文 { $order_no } はお届けできません。お支払い済みの場合は返金いたします。詳細はメールをご確認ください。

item-short-subject = ご注文 { $order_no } の商品が在庫切れです
item-short-body =
    { $buyer_name } 様

    ご注文 { $order_no } の準備中に、{ $item } が { $count } 点不足していることがわかりました。

    このメールにご返信のうえ、ご希望をお知らせください：類似商品への交換、全額返金でのご注文キャンセル、または入荷までお待ちいただく。
item-short-sms = ご注文 { $order_no }：{ $item } が在庫切れです。メールをご確認のうえ、交換・キャンセル・入荷待ちをお知らせください。

shipped-subject = ご注文 { $order_no } を発送しました
shipped-body =
    { $buyer_name } 様

    ご注文 { $order_no } を { $carrier } にて発送しました。追跡番号は { $tracking_no } です。

    配送状況はこちら：{ $tracking_url }

    ご注文ありがとうございます。
shipped-sms = ご注文 { $order_no } を { $carrier } で発送しました（追跡番号 { $tracking_no }）：{ $tracking_url }

customs-cleared-subject = ご注文 { $order_no } は通関を完了しました
customs-cleared-body =
    { $buyer_name } 様

    お荷物 { $tracking_no } は通関を完了し、お届け先へ向かっています。

    配送状況はこちら：{ $tracking_url }
customs-cleared-sms = ご注文 { $order_no } は通関を完了しました：{ $tracking_url }

out-for-delivery-subject = ご注文 { $order_no } は本日お届け予定です
out-for-delivery-body =
    { $buyer_name } 様

    お荷物 { $tracking_no } は本日配達中です。お受け取りのご準備をお願いいたします。

    配送状況はこちら：{ $tracking_url }
out-for-delivery-sms = ご注文 { $order_no } は本日配達予定です：{ $tracking_url }

delivered-subject = ご注文 { $order_no } をお届けしました
delivered-body =
    { $buyer_name } 様

    ご注文 { $order_no } は { $delivered_on } にお届けしました。

    何か問題がございましたら、このメールにご返信ください。

    ご注文ありがとうございます。
delivered-sms = ご注文 { $order_no } は { $delivered_on } にお届けしました。問題があればメールにご返信ください。

delayed-subject = ご注文 { $order_no } のお届けが遅れています
delayed-body =
    { $buyer_name } 様

    申し訳ございません。ご注文 { $order_no } のお届けが予定より遅れております。現在、{ $new_estimate } までのお届けを見込んでおります。

    配送状況はこちら：{ $tracking_url }

    状況が変わりましたら改めてご連絡いたします。
delayed-sms = ご注文 { $order_no } のお届けが遅れています。{ $new_estimate } までのお届け見込みです。{ $tracking_url }

refunded-subject = ご注文 { $order_no } の返金について
refunded-body =
    { $buyer_name } 様

    ご注文 { $order_no } について { $amount } を返金いたしました。金融機関により、明細への反映まで数日かかる場合があります。
refunded-sms = ご注文 { $order_no } について { $amount } を返金しました。

cannot-serve-subject = ご注文 { $order_no } を予定どおりお届けできません
cannot-serve-body =
    { $buyer_name } 様

    申し訳ございません。ご注文 { $order_no } を予定どおりお届けすることができません（{ $reason }）。

    代わりにご提案できる内容：
    { $alternatives }

    または、ご注文をキャンセルし、お支払い額を返金いたします。ご希望をこちらからお知らせください：{ $tracking_url }
cannot-serve-sms = ご注文 { $order_no } を予定どおりお届けできません（{ $reason }）。代替案または返金をお選びください：{ $tracking_url }

coupon-issued-subject = ご注文 { $order_no } についてクーポンをお送りします
coupon-issued-body =
    { $buyer_name } 様

    ご注文 { $order_no } ではご迷惑をおかけし申し訳ございません。お詫びとして、次回のご注文にご利用いただける { $amount } 分のクーポンをお送りします：

    { $code }

    { $expires_on } までにご購入手続きの際に入力してください。
coupon-issued-sms = ご注文 { $order_no } のお詫びです。クーポン { $code }（{ $amount } 分）を { $expires_on } まで次回のご注文でご利用いただけます。

satisfaction-survey-subject = ご注文 { $order_no } はいかがでしたか？
satisfaction-survey-body =
    { $buyer_name } 様

    ご注文 { $order_no } のお取引が完了しました。満足度を 1（不満）から 5（大変満足）でお聞かせください。クリックひとつで完了します：

    { $links }

    ご協力ありがとうございます。今後の改善に役立てます。
satisfaction-survey-sms = ご注文 { $order_no } はいかがでしたか？こちらから 1〜5 で評価してください：{ $survey_url }

ticket-ack = お問い合わせありがとうございます。お問い合わせ番号は { $reference } です。{ $due } までにご返信いたします。追加のご連絡はこのメールにご返信ください。
ticket-wismo = { $buyer_name } 様、ご注文 { $order_no } は{ $order_state }。{ $estimate_line } 配送状況はこちらからいつでもご確認いただけます：{ $tracking_link }
ticket-state-checking = 確認中です
ticket-state-preparing = 倉庫で準備中です
ticket-state-on_its_way = 配送中です
ticket-state-closed = 終了しています
ticket-estimate-line = { $estimate } までにお届けの予定です。
ticket-estimate-unknown = 未定
ticket-survey = 今回の対応はいかがでしたか？1（不満）から 5（大変満足）までワンクリックでお選びください：
    { $links }
ticket-promise = お待たせして申し訳ございません。現在確認中です。{ $when } までに改めてご連絡いたします。
