# 发给买家的消息，简体中文。
order-confirmed-subject = 您的订单 { $order_no } 已确认
order-confirmed-greeting = { $buyer_name }，您好：
order-confirmed-body = 我们已确认您的订单 { $order_no }：共 { $count } 件商品，金额 { $total }。订单将于 { $dispatch_by } 前从仓库发出。
order-confirmed-tracking = 包裹交给承运商后，我们会立即通过电子邮件把物流单号发给您。
order-confirmed-attachment = 订单确认书见附件（PDF）。
order-confirmed-signature = 感谢您的订购。
