//! The services core calls, as typed clients.

pub struct Peers {
    pub receipt: platform::api::receipt::ReceiptClient,
    pub messaging: platform::api::messaging::MessagingClient,
}
