// The shop's own script: a cart in localStorage, passed to support agents with Parley's
// setAttributes whenever it changes.
const KEY = 'hearth-cart';
const read = () => {
  try {
    return JSON.parse(localStorage.getItem(KEY) || '[]');
  } catch {
    return [];
  }
};
const write = (cart) => localStorage.setItem(KEY, JSON.stringify(cart));

function share(cart) {
  const value = cart.reduce((sum, line) => sum + line.price * line.quantity, 0);
  const items = cart.reduce((sum, line) => sum + line.quantity, 0);
  window.Parley('setAttributes', {
    cartValue: value,
    cartItems: items,
    cart: cart
      .map((line) => `${line.quantity}× ${line.name}`)
      .join(', ')
      .slice(0, 500),
  });
  return { value, items };
}

function render() {
  const cart = read();
  const { value, items } = share(cart);
  for (const el of document.querySelectorAll('[data-cart-count]')) el.textContent = String(items);
  const lines = document.querySelector('[data-cart-lines]');
  if (lines) {
    lines.replaceChildren(
      ...(cart.length
        ? cart.map((line) => {
            const li = document.createElement('li');
            li.textContent = `${line.quantity} × ${line.name} — €${line.price * line.quantity}`;
            return li;
          })
        : [Object.assign(document.createElement('li'), { textContent: 'Your cart is empty.' })]),
    );
    document.querySelector('[data-cart-total]').textContent = String(value);
  }
}

document.addEventListener('click', (event) => {
  const add = event.target.closest('[data-add]');
  if (add) {
    const cart = read();
    const line = cart.find((l) => l.slug === add.dataset.add);
    if (line) line.quantity += 1;
    else
      cart.push({
        slug: add.dataset.add,
        name: add.dataset.name,
        price: Number(add.dataset.price),
        quantity: 1,
      });
    write(cart);
    document.querySelector('[data-added]')?.removeAttribute('hidden');
    render();
  }
  if (event.target.closest('[data-clear]')) {
    write([]);
    render();
  }
  if (event.target.closest('[data-checkout]'))
    window.Parley('showMessage', 'Hi! I have a question about my order.');
});

render();
