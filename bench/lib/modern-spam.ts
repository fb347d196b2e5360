// Modern spam for the cold-start measurement, written here because no public corpus of
// today's spam may be copied into the repository: ten families seen in 2024-2026 inboxes
// (parcel and account phishing, crypto, SEO offers, sextortion, fake invoices, prizes,
// pharmacy, loans, job scams), each rendered in several wordings, senders and MIME shapes,
// with the headers of modern bulk senders (DKIM/SPF pass, PHPMailer, long Message-IDs).
import { mulberry32 } from './seeded-split.js';

interface Family {
  subjects: string[];
  bodies: string[];
  link: string;
}

const FAMILIES: Family[] = [
  {
    subjects: ['Your package could not be delivered', 'Delivery attempt failed: action required', 'USPS: your parcel is on hold'],
    bodies: [
      'We tried to deliver your parcel today but the address label was incomplete. To reschedule the delivery, confirm your address and pay the redelivery fee of $1.99 within 48 hours, or the package will be returned to the sender.',
      'Your shipment is waiting at our depot. A customs fee of 2.45 USD is outstanding. Pay now to release the package and choose a new delivery date.',
    ],
    link: 'parcel-redelivery-track.com/confirm',
  },
  {
    subjects: ['Turn $250 into $3,000 a day with AI trading', 'Bitcoin profits are waiting for you', 'The crypto bot banks are afraid of'],
    bodies: [
      'Our AI trading platform made members an average of 3,000 USD per day last month. No experience needed: deposit $250, the algorithm trades for you 24/7. Only 20 places left in your country.',
      'Elon revealed the crypto system on live TV and the banks tried to stop it. Register today, verify your phone and watch your balance grow. Withdraw your profits any time.',
    ],
    link: 'quantum-profit-ai.io/join',
  },
  {
    subjects: ['Action required: your account will be suspended', 'Unusual sign-in activity detected', 'Your mailbox storage is full'],
    bodies: [
      'We detected unusual sign-in activity on your account. To avoid suspension within 24 hours, verify your identity and update your password using the secure link below.',
      'Your mailbox has reached 99% of its storage quota. Incoming messages will be rejected. Click below to upgrade your storage for free and keep receiving email.',
    ],
    link: 'secure-account-verify-login.com/auth',
  },
  {
    subjects: ['Your website is not ranking on Google', 'Quick question about your site', 'Get your website on the first page'],
    bodies: [
      'I was checking your website and noticed it is not ranking on the first page of Google for your main keywords. Our SEO team can get you there in 30 days, guaranteed. Can I send you a free audit and our price list?',
      'Hi, I am a web developer and I found several errors on your website that cost you customers. We redesign websites at an affordable price. Reply YES and I will send you the proposal.',
    ],
    link: 'rank-first-seo-agency.com/audit',
  },
  {
    subjects: ['I know what you did', 'Your device was hacked', 'Last warning: pay or your secret goes public'],
    bodies: [
      'I have been watching you for months. I installed malware on your device through a site you visited and recorded you through your camera. Transfer $1,450 in Bitcoin to the wallet below within 48 hours or the video goes to all your contacts.',
      'Your password was leaked and I have full access to your device. Pay 1200 USD in BTC and I delete everything. Do not try to contact the police, I will know.',
    ],
    link: 'btc-wallet-pay.info/send',
  },
  {
    subjects: ['Invoice #INV-88231 overdue', 'Payment confirmation for your order', 'Your subscription was renewed for $399.99'],
    bodies: [
      'Your Norton 360 subscription was automatically renewed for $399.99. If you did not authorize this charge, call our billing department at 1-888-555-0199 within 24 hours to cancel and get a full refund.',
      'Please find your overdue invoice attached. The amount of 4,870.00 USD must be paid today to avoid late fees. Open the secure document viewer to see the invoice.',
    ],
    link: 'docs-secure-invoice-view.com/open',
  },
  {
    subjects: ['Congratulations! You have been selected', 'Claim your $500 Costco gift card', 'You are our lucky winner today'],
    bodies: [
      'Congratulations! You have been selected to receive a $500 gift card. Answer three short questions about your shopping experience and claim your reward before it expires tonight.',
      "You are today's lucky visitor! Complete our 30-second survey and win the new iPhone 16 Pro. Only pay shipping of $2.95. Hurry, 3 prizes left.",
    ],
    link: 'reward-survey-claim.net/win',
  },
  {
    subjects: ['Lose 12 kg in 4 weeks without diet', 'Doctors hate this keto pill', 'Men over 40: try this tonight'],
    bodies: [
      'The keto pill everyone is talking about burns fat while you sleep. Lose up to 12 kg in 4 weeks without diet or exercise. Order today and get 3 bottles free, discreet shipping.',
      'Cheap meds online without a prescription. Generic pills at 80% off, overnight delivery, 100% satisfaction guaranteed. Order now from our trusted pharmacy.',
    ],
    link: 'best-health-pharmacy-rx.com/order',
  },
  {
    subjects: ['You are pre-approved for $35,000', 'Erase your debt legally', 'Low interest loan approved today'],
    bodies: [
      'Good news: you are pre-approved for a personal loan of up to $35,000 at 2.9% APR, even with bad credit. No paperwork, money in your account in 24 hours. Check your rate now.',
      'New government program lets you erase up to 80% of your credit card debt. Find out if you qualify in 60 seconds. This offer ends Friday.',
    ],
    link: 'fast-loan-approval-now.com/apply',
  },
  {
    subjects: ['Work from home and earn $500 a day', 'Job offer: remote assistant, $45/hour', 'We reviewed your CV'],
    bodies: [
      'We reviewed your CV on the job portal and would like to offer you a remote assistant position. 2 hours a day, $45 per hour, paid weekly. Reply with your WhatsApp number to start today.',
      'Earn $500 a day from home liking videos and writing reviews. No experience required, training is free. Send us your name and phone number to receive your first task.',
    ],
    link: 'remote-job-earn-daily.com/start',
  },
];

const SENDER_DOMAINS = [
  'gmail.com',
  'outlook.com',
  'mail-notify.xyz',
  'info-center.top',
  'updates.shop',
  'service-mail.online',
  'newsletter-app.click',
];
const NAMES = ['Support Team', 'Customer Service', 'Claims Desk', 'Billing', 'Security Alert', 'Emma', 'Daniel Roberts', 'Rewards'];
const MAILERS = ['PHPMailer 6.8.1 (https://github.com/PHPMailer/PHPMailer)', '', 'Microsoft Outlook 16.0', ''];

/** `perFamily` messages of each family, deterministic for a seed. */
export function modernSpam(perFamily: number, seed: number): Buffer[] {
  const random = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const out: Buffer[] = [];
  FAMILIES.forEach((f, fi) => {
    for (let i = 0; i < perFamily; i++) {
      const id = Math.floor(random() * 1e9).toString(36);
      const domain = pick(SENDER_DOMAINS);
      const from = `${pick(NAMES)} <${pick(['no-reply', 'info', 'support', 'alerts', id.slice(0, 6)])}@${domain}>`;
      const url = `https://${f.link}?id=${id}&u=${Math.floor(random() * 1e6)}`;
      const body = `${pick(['Dear customer,', 'Hello,', 'Hi there,', 'Dear user,', ''])}\n\n${pick(f.bodies)}\n\n${url}\n\n${pick(['Best regards', 'Thank you', 'Sincerely', 'The Team'])}\n${pick(['To unsubscribe click here.', 'You received this email because you registered on our site.', ''])}`;
      const html = `<html><body><p>${body.replace(/\n\n/g, '</p><p>').replace(url, `<a href="${url}">Click here</a>`)}</p></body></html>`;
      const mailer = pick(MAILERS);
      const head = [
        `Return-Path: <bounce-${id}@${domain}>`,
        `Received: from mail${fi}.${domain} (mail${fi}.${domain} [185.${fi + 10}.${i}.${(i * 7) % 250}]) by mx.intake.test with ESMTPS id ${id}; Mon, 3 Nov 2025 0${i % 10}:1${fi}:00 +0000`,
        `Authentication-Results: mx.intake.test; spf=${pick(['pass', 'pass', 'softfail', 'none'])} smtp.mailfrom=${domain}; dkim=${pick(['pass', 'none'])} header.d=${domain}`,
        `From: ${from}`,
        'To: support@intake.test',
        `Subject: ${pick(f.subjects)}`,
        `Date: Mon, 3 Nov 2025 0${i % 10}:1${fi}:00 +0000`,
        `Message-ID: <${id}${Math.floor(random() * 1e12).toString(16)}@${domain}>`,
        ...(mailer ? [`X-Mailer: ${mailer}`] : []),
        'MIME-Version: 1.0',
      ];
      const shape = Math.floor(random() * 3);
      if (shape === 0) out.push(Buffer.from(`${[...head, 'Content-Type: text/plain; charset=utf-8'].join('\r\n')}\r\n\r\n${body}\r\n`));
      else if (shape === 1) out.push(Buffer.from(`${[...head, 'Content-Type: text/html; charset=utf-8'].join('\r\n')}\r\n\r\n${html}\r\n`));
      else {
        const b = `alt-${id}`;
        const parts = `--${b}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n--${b}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n--${b}--\r\n`;
        out.push(Buffer.from(`${[...head, `Content-Type: multipart/alternative; boundary="${b}"`].join('\r\n')}\r\n\r\n${parts}`));
      }
    }
  });
  return out;
}
