// The shop's pages, rendered on the server. Each embeds the widget exactly as a customer would:
// the queue stub, then one async script tag with the site key.
import { bySlug, CATALOG, type Product } from './catalog';

export interface ShopOptions {
  /** The relay's public base URL, e.g. http://localhost:3000 */
  parleyUrl: string;
  siteKey: string;
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function layout(options: ShopOptions, title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Hearth &amp; Co.</title>
<link rel="stylesheet" href="/shop.css">
<script>window.Parley=window.Parley||function(){(Parley.q=Parley.q||[]).push(arguments)}</script>
<script async src="${escapeHtml(options.parleyUrl)}/widget/loader.js" data-site="${escapeHtml(options.siteKey)}"></script>
<script defer src="/shop.js"></script>
</head>
<body>
<header class="top">
  <a class="brand" href="/">Hearth &amp; Co.</a>
  <nav><a href="/">Shop</a> <a href="/cart" class="cart-link">Cart <span data-cart-count>0</span></a></nav>
</header>
<main>${body}</main>
<footer>Free delivery over €50 · Returns within 30 days</footer>
</body>
</html>`;
}

const swatch = (product: Product) => `<div class="swatch" style="background:${product.colour}"></div>`;

export function homePage(options: ShopOptions): string {
  const cards = CATALOG.map(
    (product) => `<a class="card" href="/products/${product.slug}">
  ${swatch(product)}
  <h2>${escapeHtml(product.name)}</h2>
  <p class="price">€${product.price}</p>
</a>`,
  ).join('\n');
  return layout(
    options,
    'Shop',
    `<section class="hero"><h1>Things for a warm kitchen</h1><p>Small-batch goods, shipped from Cluj.</p></section>
<section class="grid">${cards}</section>`,
  );
}

export function productPage(options: ShopOptions, slug: string): string | null {
  const product = bySlug(slug);
  if (!product) return null;
  return layout(
    options,
    product.name,
    `<article class="product">
  ${swatch(product)}
  <div>
    <h1>${escapeHtml(product.name)}</h1>
    <p class="price">€${product.price}</p>
    <p>${escapeHtml(product.blurb)}</p>
    <button class="buy" data-add="${product.slug}" data-name="${escapeHtml(product.name)}" data-price="${product.price}">Add to cart</button>
    <p class="added" data-added hidden>Added to your cart.</p>
  </div>
</article>`,
  );
}

export function cartPage(options: ShopOptions): string {
  return layout(
    options,
    'Cart',
    `<section class="cart"><h1>Your cart</h1><ul data-cart-lines></ul><p class="total">Total: €<span data-cart-total>0</span></p>
<button class="buy" data-checkout>Checkout</button> <button class="link" data-clear>Empty cart</button></section>`,
  );
}
