# 发给买家的消息，简体中文。金额和日期已按买家的语言写好。

order-confirmed-subject = 您的订单 { $order_no } 已确认
order-confirmed-body =
    { $buyer_name }，您好：

    我们已确认您的订单 { $order_no }：共 { $count } 件商品，金额 { $total }。订单将于 { $dispatch_by } 前从仓库发出。

    包裹交给承运商后，我们会立即通过电子邮件把物流单号发给您。

    订单确认书见附件（PDF）。

    感谢您的订购。
order-confirmed-sms = 您的订单 { $order_no } 已确认。发货后我们会发送物流单号。

order-on-hold-subject = 您的订单 { $order_no } 需要您的协助
order-on-hold-body =
    { $buyer_name }，您好：

    在发出您的订单 { $order_no } 之前，我们需要您提供以下信息：

    { $actions }

    请直接回复此邮件，或联系您下单的店铺。在此之前订单将暂缓处理。
order-on-hold-sms = 订单 { $order_no } 发货前需要您补充信息，请查看邮件或联系店铺。

hold-action-phone = 请提供承运商可以联系到的电话号码（含国家区号）。
hold-action-email = 请提供一个可以接收邮件的电子邮箱地址。
hold-action-payment = 请完成订单付款。
hold-action-service = 请支付您选择的配送服务费用，或告诉我们改用其他服务。
hold-action-goods = 有一件商品寄往您所在的国家前需要核查；如需您提供信息，我们会联系您。
hold-action-street = 请提供收货地址的街道和门牌号。
hold-action-city = 请提供收货地址的城市。
hold-action-region = 请提供收货地址的省、州或地区。
hold-action-postcode = 请核对收货地址的邮政编码并告诉我们。
hold-action-stock = 有一件商品正在等待补货；发货时我们会再通知您，您也可以取消订单。
hold-action-check = 我们正在核查您的订单，如有需要会与您联系。

order-cancelled-subject = 您的订单 { $order_no } 已取消
order-cancelled-body =
    { $buyer_name }，您好：

    您的订单 { $order_no } 已取消，不会发货。

    如您已付款，我们将退还 { $total }，退款完成后会再通知您。

    如果这不是您的要求，请回复此邮件。
order-cancelled-sms = 您的订单 { $order_no } 已取消。如已付款，我们将为您退款。

order-rejected-subject = 很抱歉，您的订单 { $order_no } 无法发货
order-rejected-body =
    { $buyer_name }，您好：

    很抱歉，我们无法受理您的订单 { $order_no }，该订单不会发货。

    如您已付款，我们将退还 { $total }，退款完成后会再通知您。

    如有疑问，请回复此邮件。
order-rejected-sms = 很抱歉，您的订单 { $order_no } 无法发货。如已付款，我们将为您退款，详情请见邮件。

item-short-subject = 您的订单 { $order_no } 中有商品缺货
item-short-body =
    { $buyer_name }，您好：

    在为您的订单 { $order_no } 备货时，我们发现 { $item } 缺货 { $count } 件。

    请回复此邮件告诉我们您的选择：换成类似商品、取消订单并全额退款，或等待到货。
item-short-sms = 订单 { $order_no }：{ $item } 缺货。请查看邮件并告诉我们换货、取消还是等待。

shipped-subject = 您的订单 { $order_no } 已发货
shipped-body =
    { $buyer_name }，您好：

    您的订单 { $order_no } 已由 { $carrier } 从仓库发出，物流单号为 { $tracking_no }。

    查看物流：{ $tracking_url }

    感谢您的订购。
shipped-sms = 订单 { $order_no } 已由 { $carrier } 发出，单号 { $tracking_no }：{ $tracking_url }

customs-cleared-subject = 您的订单 { $order_no } 已清关
customs-cleared-body =
    { $buyer_name }，您好：

    您的包裹 { $tracking_no } 已完成清关，正在发往您处。

    查看物流：{ $tracking_url }
customs-cleared-sms = 订单 { $order_no } 已清关：{ $tracking_url }

out-for-delivery-subject = 您的订单 { $order_no } 今天派送
out-for-delivery-body =
    { $buyer_name }，您好：

    您的包裹 { $tracking_no } 今天正在派送，请确保有人签收。

    查看物流：{ $tracking_url }
out-for-delivery-sms = 订单 { $order_no } 今天派送：{ $tracking_url }

delivered-subject = 您的订单 { $order_no } 已送达
delivered-body =
    { $buyer_name }，您好：

    您的订单 { $order_no } 已于 { $delivered_on } 送达。

    如有任何问题，请回复此邮件，我们会为您处理。

    感谢您的订购。
delivered-sms = 订单 { $order_no } 已于 { $delivered_on } 送达。如有问题请回复我们的邮件。

delayed-subject = 您的订单 { $order_no } 将延迟送达
delayed-body =
    { $buyer_name }，您好：

    很抱歉，您的订单 { $order_no } 比预计用时更长。我们现在预计它将于 { $new_estimate } 前送达。

    查看物流：{ $tracking_url }

    如有变化，我们会再通知您。
delayed-sms = 订单 { $order_no } 将延迟，现预计 { $new_estimate } 前送达。{ $tracking_url }

refunded-subject = 订单 { $order_no } 的退款
refunded-body =
    { $buyer_name }，您好：

    我们已为您的订单 { $order_no } 退款 { $amount }。根据银行不同，款项可能需要几天才会到账。
refunded-sms = 我们已为订单 { $order_no } 退款 { $amount }。

# 给员工的消息（SLA-2），使用运营方的语言。
sla-overdue-subject = { $place }：{ $department } 有 { $count } 个环节已超时
sla-overdue-body = 在今天的跟进检查中，{ $department } 在 { $place } 有 { $count } 个环节超过了时限。
sla-overdue-orders = 订单：{ $orders }
sla-overdue-action = 请在 Tradeport 中打开跟进报告，逐一处理订单，并记录处理情况和新的承诺时间。
department-order_management = 订单管理部
department-warehouse = 仓储部
department-logistics = 物流部
department-customer_service = 客服部
sla-place-unallocated = 尚未分配仓库的订单

# 每月监督报告（KPI-1），发给监督组。
supervision-report-subject = { $month } 监督报告
supervision-report-body = { $month } 的监督报告已生成：时效达成率 { $timeliness }，满意度 { $satisfaction }，{ $missed } 项 KPI 未达标。
supervision-report-action = PDF 见附件；Excel 工作簿和以往各月的报告见 Tradeport 的“报表”。

cannot-serve-subject = 您的订单 { $order_no } 无法按计划履约
cannot-serve-body =
    { $buyer_name }，您好：

    很抱歉，您的订单 { $order_no } 无法按计划履约（{ $reason }）。

    我们可以提供的替代方案：
    { $alternatives }

    您也可以选择取消订单并全额退款。请在此告诉我们您的选择：{ $tracking_url }
cannot-serve-sms = 订单 { $order_no } 无法按计划履约（{ $reason }）。请选择替代方案或退款：{ $tracking_url }

coupon-issued-subject = 关于订单 { $order_no }，送您一张优惠券
coupon-issued-body =
    { $buyer_name }，您好：

    很抱歉您的订单 { $order_no } 给您带来不便。作为歉意，送您一张价值 { $amount } 的优惠券，可用于您的下一笔订单：

    { $code }

    请在 { $expires_on } 前结账时使用。
coupon-issued-sms = 订单 { $order_no } 给您带来不便，深表歉意：优惠券 { $code } 价值 { $amount }，{ $expires_on } 前下单可用。

satisfaction-survey-subject = 您对订单 { $order_no } 满意吗？
satisfaction-survey-body =
    { $buyer_name }您好，

    您的订单 { $order_no } 已完成。请为本次购物打分，1 分（差）到 5 分（非常满意），点一下即可：

    { $links }

    感谢您的反馈，它帮助我们做得更好。
satisfaction-survey-sms = 订单 { $order_no } 您满意吗？请在这里打 1–5 分：{ $survey_url }

ticket-ack = 感谢您的来信。我们已为您建立工单 { $reference }，将在 { $due } 之前答复您。回复本邮件即可补充信息。
ticket-wismo = { $buyer_name }您好，您的订单 { $order_no } { $order_state }。{ $estimate_line } 您可以随时在这里查看进度：{ $tracking_link }
ticket-state-checking = 正在审核
ticket-state-preparing = 正在仓库备货
ticket-state-on_its_way = 已发出，正在运输途中
ticket-state-closed = 已关闭
ticket-estimate-line = 预计 { $estimate } 前送达。
ticket-estimate-unknown = 暂未确定
ticket-survey = 您对本次服务满意吗？请点击一个分数，1（很差）到 5（很好）：
    { $links }
ticket-promise = 感谢您的耐心等待。我们正在核实此事，将在 { $when } 之前再次答复您。
