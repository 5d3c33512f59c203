# 发给买家的消息，简体中文。
order-confirmed-subject = 您的订单 { $order_no } 已确认
order-confirmed-greeting = { $buyer_name }，您好：
order-confirmed-body = 我们已确认您的订单 { $order_no }：共 { $count } 件商品，金额 { $total }。订单将于 { $dispatch_by } 前从仓库发出。
order-confirmed-tracking = 包裹交给承运商后，我们会立即通过电子邮件把物流单号发给您。
order-confirmed-attachment = 订单确认书见附件（PDF）。
order-confirmed-signature = 感谢您的订购。

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

order-confirmed-sms = 您的订单 { $order_no } 已确认。发货后我们会发送物流单号。
