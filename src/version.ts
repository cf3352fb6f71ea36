// The engine version berthd reports (Server header, /version, /info).
export const BERTH_VERSION = '0.1.0';
