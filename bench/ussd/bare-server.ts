// The ceiling of the HTTP layer: Express 5 parsing the same form body and
// answering one fixed CON screen, no session, no database.
//   node --import tsx bench/ussd/bare-server.ts <port>
import express from 'express';

const port = Number(process.argv[2] ?? 4101);
const SCREEN =
  'CON Welcome to Mama Thandi Spaza\n1. Shop\n2. Search\n3. My cart\n4. My orders\n5. Language\n6. Help';

const app = express();
app.post('/ussd', express.urlencoded({ extended: false }), (_req, res) => {
  res.type('text/plain').send(SCREEN);
});
app.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
