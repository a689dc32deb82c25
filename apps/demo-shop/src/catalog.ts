// The shop's products: enough to browse, add to a cart and ask about.

export interface Product {
  slug: string;
  name: string;
  price: number;
  colour: string;
  blurb: string;
}

export const CATALOG: Product[] = [
  {
    slug: 'blue-mug',
    name: 'Blue enamel mug',
    price: 14,
    colour: '#2563eb',
    blurb: 'Holds 350 ml. Survives campfires and dishwashers.',
  },
  {
    slug: 'linen-apron',
    name: 'Linen apron',
    price: 39,
    colour: '#a16207',
    blurb: 'Stonewashed linen with deep pockets and cross-back straps.',
  },
  {
    slug: 'oak-board',
    name: 'Oak cutting board',
    price: 49,
    colour: '#92400e',
    blurb: 'End-grain oak, oiled by hand, 40 × 28 cm.',
  },
  {
    slug: 'tea-tin',
    name: 'Smoky tea tin',
    price: 11,
    colour: '#047857',
    blurb: '100 g of lapsang souchong in a reusable tin.',
  },
  {
    slug: 'candle',
    name: 'Fig leaf candle',
    price: 24,
    colour: '#7c3aed',
    blurb: 'Soy wax, cotton wick, about 40 hours of burn time.',
  },
  {
    slug: 'tote',
    name: 'Market tote',
    price: 19,
    colour: '#be123c',
    blurb: 'Heavy canvas, carries 15 kg of groceries.',
  },
];

export const bySlug = (slug: string) => CATALOG.find((product) => product.slug === slug);
