export * from './delivery.errors';
export * from './delivery-target';
export * from './stow-rs.target';
export * from './c-store.target';
