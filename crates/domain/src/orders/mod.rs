//! Orders: intake validation, the review state machine, numbering and prohibited goods.

mod goods;
mod input;
mod intake;
mod numbering;
mod shipping_check;
mod status;

pub use goods::{GoodsAction, GoodsRule, default_goods_rules, screen_goods};
pub use input::{BuyerInput, CHANNELS, DiscountInput, LineInput, OrderInput, SkuFacts};
pub use intake::{
    ContactCheck, HOLD_CODES, REJECT_CODES, ValidatedLine, ValidatedOrder, check_contact, hold_params,
    validate_order,
};
mod payment;
pub use numbering::{SERIAL_WIDTH, format_order_no, local_day};
pub use payment::PaymentStatus;
pub use shipping_check::{LineGoods, ShippingCheck, ShippingFacts, check_shipping, is_shipping_hold};
pub use status::{OrderAction, OrderStatus, event_kind, transition};
